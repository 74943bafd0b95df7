/**
 * Undoes the cheap disguises attackers put on instructions so the detector
 * sees plain lower-case Latin text: full-width and styled letters, invisible
 * characters, accents, Cyrillic/Greek look-alikes, leetspeak digits and
 * letters spaced apart. The result is for matching only, never for display.
 */

/** What the disguises themselves gave away; used as weak signals by the detector. */
export interface NormalisedText {
  text: string;
  /** Format characters (zero-width, bidi controls, soft hyphens) inside a word. */
  hiddenCharacters: boolean;
  /** A word mixing Latin letters with Cyrillic or Greek look-alikes. */
  mixedScriptWords: string[];
  /** Runs of letters spaced apart ("i g n o r e"), as joined up. */
  spacedRuns: string[];
}

// Look-alikes of Latin letters (after lower-casing). Only these are folded, so
// an ordinary Russian or Greek word keeps letters that have no Latin twin.
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  һ: 'h',
  ӏ: 'l',
  ԛ: 'q',
  ԝ: 'w',
  ԍ: 'g',
  ɡ: 'g',
  ɑ: 'a',
  ı: 'i',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  μ: 'u',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  γ: 'y',
  ω: 'w',
  ϲ: 'c',
  ϳ: 'j',
  '‹': '<',
  '›': '>',
};
// Letters NFD cannot take apart into a base letter and a mark.
const LIGATURES: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th' };
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

const FORMAT_IN_WORD = /(?<=[\p{L}\p{N}])\p{Cf}+(?=[\p{L}\p{N}])/u;
// Cf covers zero-width spaces and joiners, bidi controls and soft hyphens; the
// Hangul fillers are letters by category but render as blank space.
const INVISIBLE = /[\p{Cf}\u115f\u1160\u3164\uffa0]/gu;
const WORD = /[\p{L}\p{M}]+/gu;
const LATIN = /\p{Script=Latin}/u;
const LOOK_ALIKE_SCRIPT = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
// A word with letters and at least one leet digit or symbol, e.g. "1gn0re", "p@$$w0rd".
const LEET_WORD = /(?<![\p{L}\p{N}])(?=[\p{L}\d@$]*\p{L})(?=[\p{L}\d@$]*[013457@$])[\p{L}\d@$]{3,}(?![\p{L}\p{N}])/gu;
// Three or more single letters joined by one separator each: "i g n o r e", "s.y.s.t.e.m".
const SPACED_LETTERS = /(?<![\p{L}\p{N}])\p{L}(?:[ .\-_*·•|+~]\p{L}){2,}(?![\p{L}\p{N}])/gu;

function foldWord(word: string, genuineCyrillicOrGreek: boolean): string {
  if (!LOOK_ALIKE_SCRIPT.test(word)) return word;
  const allLookAlikes = [...word].every((letter) => LATIN.test(letter) || letter in CONFUSABLES);
  // Mixed words are disguised Latin. A whole word of look-alikes is too, unless
  // the text around it is real Russian or Greek (where "все" is just a word).
  if (!LATIN.test(word) && (!allLookAlikes || genuineCyrillicOrGreek)) return word;
  return [...word].map((letter) => CONFUSABLES[letter] ?? letter).join('');
}

function foldLeet(word: string): string {
  // Numbers with a unit or an order code ("10kg", "3rd", "ord55102") are not words in disguise.
  if (/^\d+\p{L}{1,2}$|^\p{L}{1,4}\d+$/u.test(word)) return word;
  const letters = word.replace(/[^\p{L}]/gu, '').length;
  if (letters < 2 || letters < word.length / 3) return word;
  return word.replace(/[013457@$]/g, (digit) => LEET[digit] ?? digit);
}

export function normaliseForDetection(input: string): NormalisedText {
  const hiddenCharacters = FORMAT_IN_WORD.test(input);
  let text = input
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþ]/g, (letter) => LIGATURES[letter] ?? letter)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[‹›]/g, (bracket) => CONFUSABLES[bracket] ?? bracket)
    .replace(/[’‘`´]/g, "'")
    // snake_case_words hide phrases from word boundaries.
    .replace(/_+/g, ' ');

  const genuineCyrillicOrGreek = [...text.matchAll(WORD)].some(
    ([word]) =>
      !LATIN.test(word) && [...word].some((letter) => LOOK_ALIKE_SCRIPT.test(letter) && !(letter in CONFUSABLES)),
  );
  const mixedScriptWords: string[] = [];
  text = text.replace(WORD, (word) => {
    const folded = foldWord(word, genuineCyrillicOrGreek);
    if (folded !== word && LATIN.test(word)) mixedScriptWords.push(folded);
    return folded;
  });
  text = text.replace(LEET_WORD, foldLeet);

  const spacedRuns: string[] = [];
  text = text.replace(SPACED_LETTERS, (run) => {
    const joined = run.replace(/[^\p{L}]/gu, '');
    spacedRuns.push(joined);
    return joined;
  });
  text = text.replace(/[^\S\n]+/g, ' ');
  return { text, hiddenCharacters, mixedScriptWords, spacedRuns };
}
