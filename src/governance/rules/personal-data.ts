/**
 * Heuristics that say whether a column probably holds personal data, from its
 * name and declared type. Names are split into words (snake_case and camelCase,
 * trailing digits dropped: `Customer_Email2` → customer, email); a column is
 * personal data when its words contain one of the phrases below.
 *
 * Deliberately not on the list: a bare `name` (products, articles and hubs have
 * names too), `latitude`/`longitude` (mostly of hubs and stores, too vague), and
 * ids (`customer_id` is a pseudonym, classified by the product that owns it).
 */

interface Phrase {
  readonly words: readonly string[];
  /** What the phrase suggests, for the message. */
  readonly what: string;
  /** Only when the phrase ends the name (`customer_mobile`, not `mobile_app_version`). */
  readonly atEnd?: boolean;
}

const phrase = (text: string, what: string, atEnd = false): Phrase => ({ words: text.split('_'), what, ...(atEnd ? { atEnd } : {}) });

const EMAIL = 'an e-mail address';
const PHONE = 'a phone number';
const NAME = 'a person\'s name';
const ADDRESS = 'a postal address';
const BIRTH = 'a date of birth';
const BANK = 'a bank account';
const NATIONAL = 'a national identification number';
const IP = 'an IP address';

const PHRASES: readonly Phrase[] = [
  ...['email', 'emails', 'e_mail', 'mail_address', 'emailaddress'].map((w) => phrase(w, EMAIL)),
  ...['phone', 'telephone', 'msisdn', 'phonenumber', 'mobile_number', 'mobile_phone', 'mobile_no', 'mobile_nr'].map((w) => phrase(w, PHONE)),
  phrase('mobile', PHONE, true),
  ...[
    'first_name',
    'last_name',
    'full_name',
    'middle_name',
    'maiden_name',
    'given_name',
    'family_name',
    'customer_name',
    'contact_name',
    'firstname',
    'lastname',
    'fullname',
    'surname',
  ].map((w) => phrase(w, NAME)),
  ...['address', 'street', 'house_number', 'postal_code', 'post_code', 'postcode', 'zip_code', 'zipcode', 'zip'].map((w) => phrase(w, ADDRESS)),
  ...['birth_date', 'date_of_birth', 'birthdate', 'birthday', 'dob'].map((w) => phrase(w, BIRTH)),
  ...['iban', 'bank_account'].map((w) => phrase(w, BANK)),
  ...['ssn', 'social_security', 'passport', 'national_id', 'tax_id', 'bsn'].map((w) => phrase(w, NATIONAL)),
  phrase('ip_address', IP),
  phrase('ip', IP, true),
];

/** Splits an identifier into lower-case words: `customerEmail_2nd` → customer, email, 2nd; `phone2` → phone. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split('_')
    .map((word) => (/^[a-z]+\d+$/.test(word) ? word.replace(/\d+$/, '') : word))
    .filter((word) => word !== '');
}

function occursIn(words: readonly string[], p: Phrase): boolean {
  const last = words.length - p.words.length;
  for (let start = p.atEnd ? last : 0; start <= last; start++) {
    if (start >= 0 && p.words.every((w, k) => words[start + k] === w)) return true;
  }
  return false;
}

export interface PersonalDataOptions {
  /** Extra patterns (case-insensitive) matched against the whole column name. */
  readonly patterns?: readonly RegExp[];
  /** Column names (case-insensitive) never reported. */
  readonly ignore?: readonly string[];
}

/**
 * Why a column looks like personal data (e.g. "`email` in its name suggests an e-mail address"),
 * or undefined when it does not.
 */
export function personalDataReason(column: { readonly name: string; readonly type?: string | undefined }, options: PersonalDataOptions = {}): string | undefined {
  const lower = column.name.toLowerCase();
  if (options.ignore?.some((name) => name.toLowerCase() === lower)) return undefined;
  for (const pattern of options.patterns ?? []) {
    if (pattern.test(column.name)) return `its name matches /${pattern.source}/ (option \`patterns\`)`;
  }
  const type = column.type?.trim().toUpperCase();
  if (type !== undefined && /^INET\b/.test(type)) return `its type ${type} holds IP addresses`;
  // A yes/no about personal data (`email_verified BOOLEAN`, `has_phone`) is not itself personal data.
  if (type === 'BOOLEAN' || type === 'BOOL') return undefined;
  const words = nameWords(column.name);
  if (words[0] === 'is' || words[0] === 'has') return undefined;
  for (const p of PHRASES) {
    if (occursIn(words, p)) return `\`${p.words.join('_')}\` in its name suggests ${p.what}`;
  }
  return undefined;
}
