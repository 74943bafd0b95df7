import { PayloadTooLargeError } from '../common/domain-errors';
import type { AppConfig } from '../config/config.schema';
import type { ParsedEmail } from './parsed-email';

/** Refuses (413) what we will not store, naming the attachment and the limit. Only metadata is stored, never content. */
export function checkAttachmentLimits(
  email: ParsedEmail,
  { MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES }: Pick<AppConfig, 'MAX_ATTACHMENTS' | 'MAX_ATTACHMENT_BYTES'>,
): void {
  if (email.attachments.length > MAX_ATTACHMENTS) {
    throw new PayloadTooLargeError(`${email.attachments.length} attachments; at most ${MAX_ATTACHMENTS} are accepted`);
  }
  const tooBig = email.attachments.find((attachment) => attachment.size > MAX_ATTACHMENT_BYTES);
  if (tooBig) {
    throw new PayloadTooLargeError(
      `attachment "${tooBig.filename}" is ${tooBig.size} bytes; the limit is ${MAX_ATTACHMENT_BYTES}`,
    );
  }
}
