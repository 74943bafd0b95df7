// Function words dominate short emails by count and say little about the
// category on their own; in bigrams ("my order", "log in") they still help.
const STOP_WORDS = new Set(
  (
    'a an the and or but if of to in on at for from by with about as into is are was were be been being am ' +
    'i me my we our you your it its this that these those there here he she they them their his her ' +
    'do does did have has had can could would should will shall may might must just so than then too very ' +
    'please thanks thank hi hello hey dear regards'
  ).split(' '),
);

/** Lower-cased word tokens; numbers collapse to one token since order numbers never repeat. */
export function tokenize(text: string): string[] {
  const words =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+(?:['’]\p{L}+)?/gu) ?? [];
  return words.map((word) => (/^\p{N}+$/u.test(word) ? '<num>' : word.replace('’', "'")));
}

/** Content-word unigrams plus all bigrams. */
export function features(text: string): string[] {
  const tokens = tokenize(text);
  const bigrams = tokens.slice(1).map((token, index) => `${tokens[index]} ${token}`);
  return [...tokens.filter((token) => !STOP_WORDS.has(token)), ...bigrams];
}
