import type { RiskFlag } from '@handoff/contracts';

/** A risk found by the deterministic checks, with the text that triggered it. */
export interface SafetyFinding {
  flag: Extract<RiskFlag, 'prompt_injection' | 'secret_request'>;
  match: string;
}

// Phrases that try to steer the model rather than ask for help. Kept narrow:
// "please disregard my previous email" is ordinary customer language.
const INJECTION_PATTERNS: RegExp[] = [
  /\bignore\s+(?:all\s+|any\s+)?(?:(?:the\s+)?(?:previous|prior|above|earlier|preceding|your|these|those)\s+)?(?:instructions|rules|prompts?|directions|guidelines)\b/i,
  /\bdisregard\s+(?:all\s+|any\s+|your\s+|the\s+)*(?:(?:previous|prior|above|earlier)\s+)?(?:instructions|rules|guidelines|prompts?|programming)\b/i,
  /\bforget\s+(?:all\s+|your\s+|the\s+)*(?:previous\s+|prior\s+)?(?:instructions|rules|guidelines)\b/i,
  /\byou\s+are\s+now\s+(?:a|an|the|my|in|acting|playing|free|no\s+longer|dan)\b/i,
  /\bsystem\s+prompt\b/i,
  /\bnew\s+instructions\s*:/i,
  /\b(?:developer|god|jailbreak|admin)\s+mode\b/i,
  /\bpretend\s+(?:to\s+be|you\s+are)\b/i,
  /\bauto[\s-]?send\b/i,
  /\bsend\s+(?:this|it|the\s+reply|a\s+reply|the\s+response|your\s+reply)\b[^.!?\n]{0,30}\bwithout\s+(?:any\s+)?(?:human\s+)?(?:review|approval|checking)\b/i,
  /\b(?:skip|bypass|avoid)\s+(?:the\s+)?(?:human\s+)?(?:review|approval|moderation)\b/i,
  /<\/?\s*(?:system|email|instructions?|assistant)\s*>/i,
];

// A request verb shortly before a secret: "send me the admin password",
// "what is your API key". "I forgot my password" has no request verb.
const SECRET_REQUEST =
  /\b(?:send|give|share|tell|reveal|show|provide|disclose|leak|forward|email|export|dump|print|list|display|what(?:'s|\s+is|\s+are))\b[^.?!\n]{0,60}?\b(?:passwords?|passwd|api[\s_-]?keys?|(?:access|auth|api|bearer|session|secret|admin)[\s_-]?tokens?|credentials?|secret[\s_-]?keys?|private[\s_-]?keys?|ssh[\s_-]?keys?|internal\s+(?:data|documents?|docs|notes|information|info|systems?|database|wiki|tools?|pricing|emails?|records|config(?:uration)?))\b/i;

/** Deterministic prompt-injection and secret-request checks over untrusted text. */
export function findSafetyIssues(text: string): SafetyFinding[] {
  const findings: SafetyFinding[] = [];
  for (const pattern of INJECTION_PATTERNS) {
    const match = pattern.exec(text);
    if (match) findings.push({ flag: 'prompt_injection', match: match[0] });
  }
  const secret = SECRET_REQUEST.exec(text);
  if (secret) findings.push({ flag: 'secret_request', match: secret[0] });
  return findings;
}

/** The distinct risk flags the deterministic checks raise for this text. */
export function safetyFlags(text: string): RiskFlag[] {
  return [...new Set(findSafetyIssues(text).map((finding) => finding.flag))];
}
