/**
 * A broader net under the phrase signals, for paraphrases they do not know: a
 * sentence that names the machinery (rules, the AI, review), pushes against
 * it (ignore, no longer, pretend, no need) and asks for a payoff (approve,
 * refund, send) is an attempt to steer the model, whatever its exact words.
 * Works on normalised text (normalise.ts).
 */

// Word starts, so one entry covers inflections and most of the seven languages.
const MACHINERY = [
  'instruc',
  'istruzion',
  'anweisung',
  'consigne',
  'rule',
  'regel',
  'regle',
  'regol',
  'regla',
  'regra',
  'norma',
  'polic',
  'programm',
  'guideline',
  'guidance',
  'directive',
  'directri',
  'diretri',
  'vorgabe',
  'richtlijn',
  'richtlinie',
  'configur',
  'konfigur',
  'persona',
  'roleplay',
  'prompt',
  'system',
  'sistem',
  'reviewer',
  'approval',
  'freigabe',
  'automat',
  'assistant',
  'assistent',
  'asistente',
  'chatbot',
  'guardrail',
];
// Too short to use as word starts.
const MACHINERY_WORDS = new Set(['ai', 'ki', 'ia', 'bot', 'llm', 'gpt', 'admin', 'model', 'modelo', 'modello']);

const PUSH = new RegExp(
  `(?<![\\p{L}])(?:${[
    'ignor\\p{L}*',
    'disregard\\p{L}*',
    'forget',
    'vergiss',
    'vergess\\p{L}*',
    'oubli\\p{L}*',
    'olvid\\p{L}*',
    'dimentic\\p{L}*',
    'esquec\\p{L}*',
    'vergeet',
    'negeer\\p{L}*',
    'cancell?ed',
    'void',
    'obsolete',
    'lifted',
    'revoked',
    'overrid\\p{L}*',
    'bypass\\p{L}*',
    'circumvent\\p{L}*',
    'no longer',
    'nicht mehr',
    'gelten nicht',
    'ya no',
    'non piu',
    'nao mais',
    'niet meer',
    'deja de lado',
    'tenere conto',
    'tiens pas compte',
    'pretend\\p{L}*',
    'imagine',
    'imagina',
    'immagina',
    'stell dir vor',
    'stel je voor',
    'finja',
    'role-?play\\p{L}*',
    'pas besoin',
    'no need',
    'kein bedarf',
    'nicht notig',
    'no hace falta',
    'non serve',
    'nao precisa',
    'niet nodig',
    'ninguem precisa',
    'nobody needs',
    'no one needs',
    'yourself',
    'toi-meme',
    'tu mismo',
    'da solo',
    'sozinho',
    'without waiting',
    'sans attendre',
    'sin esperar',
    'senza aspettare',
    'sem esperar',
    'zonder te wachten',
    'you were (?:configured|told|given|programmed)',
    'erinnerung an',
    'reminder (?:to|for)',
  ].join('|')})(?![\\p{L}])`,
  'u',
);

const PAYOFF = new RegExp(
  `(?<![\\p{L}])(?:${[
    'approv\\p{L}*',
    'genehmig\\p{L}*',
    'accord\\p{L}*',
    'aprob\\p{L}*',
    'aprueb\\p{L}*',
    'aprov\\p{L}*',
    'goedkeur\\p{L}*',
    'grant\\p{L}*',
    'refund\\p{L}*',
    'erstatt\\p{L}*',
    'rembours\\p{L}*',
    'reembols\\p{L}*',
    'rimbors\\p{L}*',
    'terugbeta\\p{L}*',
    'voucher',
    'gutschein',
    'avoir',
    'coupon',
    'cupom',
    'tegoed\\p{L}*',
    'store credit',
    'yes',
    'publish',
    'publie\\p{L}*',
    'publica',
    'push (?:this|it|the)',
    'release',
    'close (?:this|it)',
    '(?:send|mandar?|envoyer|enviar|inviare|stuur|verstuur)(?: (?:the|this|la|le|a|het|de|il))? (?:answer|reply|response|reponse|respuesta|risposta|resposta|antwoord|antwort)',
  ].join('|')})(?![\\p{L}])`,
  'u',
);

const MAX_SENTENCE_WORDS = 40;

function namesMachinery(words: string[]): boolean {
  return words.some((word) => MACHINERY_WORDS.has(word) || MACHINERY.some((start) => word.startsWith(start)));
}

/** The first sentence with all three parts; null when there is none. */
export function steeringSentence(text: string): string | null {
  for (const sentence of text.split(/[.!?;\n]+|={3,}/)) {
    const words = sentence.match(/[\p{L}\p{N}'-]+/gu) ?? [];
    if (words.length === 0 || words.length > MAX_SENTENCE_WORDS) continue;
    if (namesMachinery(words) && PUSH.test(sentence) && PAYOFF.test(sentence)) return sentence.trim();
  }
  return null;
}
