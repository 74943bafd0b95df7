/** Text for Slack's mrkdwn, shared by review messages and Slack replies. */

/**
 * Email text is untrusted: escaping &, < and > is all Slack needs so that text
 * cannot mention @channel, link or format as a control sequence (Slack's own rule).
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Shortens to `limit` characters on a word boundary, saying that it did. */
export function truncate(text: string, limit: number, more = '…'): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - more.length);
  const space = cut.lastIndexOf(' ');
  return `${space > limit / 2 ? cut.slice(0, space) : cut}${more}`;
}
