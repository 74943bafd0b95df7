import { createVerify } from 'node:crypto';
import { z } from 'zod';

/** The fields of an SNS HTTP(S) message (https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html). */
export const SnsMessageSchema = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1).max(100),
  TopicArn: z.string().min(1).max(300),
  Subject: z.string().optional(),
  Message: z.string(),
  Timestamp: z.string(),
  Token: z.string().optional(),
  SubscribeURL: z.string().optional(),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1),
  SigningCertURL: z.string(),
});
export type SnsMessage = z.infer<typeof SnsMessageSchema>;

/** Only certificates and confirmations served by SNS itself: https, sns.<region>.amazonaws.com(.cn), no tricks. */
export function isSnsUrl(value: string, pathPattern: RegExp): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    /^sns\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com(\.cn)?$/.test(url.hostname) &&
    url.port === '' &&
    url.username === '' &&
    url.password === '' &&
    pathPattern.test(url.pathname)
  );
}
export const isSnsCertificateUrl = (value: string) =>
  isSnsUrl(value, /^\/SimpleNotificationService-[A-Za-z0-9]+\.pem$/);

/** The string SNS signs: selected fields as "Name\nvalue\n", in byte order of the names. */
export function snsStringToSign(message: SnsMessage): string {
  const names =
    message.Type === 'Notification'
      ? (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
      : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
  return names
    .filter((name) => message[name] !== undefined)
    .map((name) => `${name}\n${message[name]}\n`)
    .join('');
}

/** Version 1 is RSA-SHA1, version 2 RSA-SHA256, over snsStringToSign with the certificate's key. */
export function snsSignatureValid(message: SnsMessage, certificatePem: string): boolean {
  const verifier = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  verifier.update(snsStringToSign(message), 'utf8');
  try {
    return verifier.verify(certificatePem, message.Signature, 'base64');
  } catch {
    return false;
  }
}
