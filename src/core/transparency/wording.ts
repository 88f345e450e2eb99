/**
 * The default pack's answers in plain English, as the registers' free-text fields take them (one wording for every
 * draft). Keyed by option id; an answer with no wording here leaves its field to do.
 */
export const ROLE: Record<string, string> = {
  none: 'It supports staff without shaping decisions about people.',
  drafts: 'It drafts or summarises; staff check and edit what it produces.',
  recommends: 'It scores, flags or recommends cases; staff decide.',
  decides: 'It makes or applies decisions about people.',
};

export const SCALE: Record<string, string> = {
  under_100: 'Fewer than 100 people a year',
  to_10k: 'Up to 10,000 people a year',
  to_1m: 'Up to 1 million people a year',
  over_1m: 'More than 1 million people a year',
};

export const OVERSIGHT: Record<string, string> = {
  full_with_fallback: 'A person reviews every output before it takes effect, and a manual process remains.',
  full_no_fallback: 'A person reviews every output before it takes effect; there is no manual fallback.',
  sampled: 'People review a sample of outputs.',
  none: 'Outputs take effect without human review.',
};

export const CONTEST: Record<string, string> = {
  in_place: 'People affected can challenge an outcome through an appeal or review that is in place.',
  planned: 'An appeal or review route is planned, not yet in place.',
  none: 'There is no route to challenge an outcome.',
};

export const SUPPLIER_DATA: Record<string, string> = {
  stays: 'Our data stays in our environment; the supplier has no access to it.',
  dpa: 'The supplier processes our data under a data processing agreement, and may not reuse it.',
  reuse: 'The supplier may reuse our data (for example to train or improve its models).',
};

export const TECHNIQUE: Record<string, string> = {
  rules: 'Fixed rules written by people (no machine learning)',
  interpretable_ml: 'Interpretable machine learning',
  complex_ml: 'Complex machine learning (for example deep learning or ensembles)',
  generative: 'Generative AI (a large language or other foundation model)',
};

export const DATA_KIND: Record<string, string> = {
  none: 'No personal data',
  personal: 'Personal data',
  special: 'Special-category personal data',
  biometric_verification: 'Biometric data (verification)',
  biometric_id: 'Biometric data (identification)',
  biometric_categorisation: 'Biometric data (categorisation)',
  emotion_recognition: 'Biometric data (emotion recognition)',
};

export const AFFECTED: Record<string, string> = {
  staff: 'Staff of the authority',
  businesses: 'Businesses',
  public: 'Members of the public',
  vulnerable: 'People in vulnerable situations',
};
