/**
 * metadata.generateName, as names.SimpleNameGenerator fills it in: the prefix (cut so that
 * prefix and suffix fit in 63) and five random characters from the alphabet of
 * k8s.io/apimachinery/pkg/util/rand (no vowels, no confusables).
 */
import { randomInt } from 'node:crypto';

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const SUFFIX_LENGTH = 5;
const MAX_GENERATED_NAME_PREFIX = 63 - SUFFIX_LENGTH;

export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return `${prefix.slice(0, MAX_GENERATED_NAME_PREFIX)}${suffix}`;
}
