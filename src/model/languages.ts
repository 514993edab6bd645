// The languages the hosted pages speak. A session language outside these falls back to English, as
// Signicat's does; `no` is Norwegian Bokmål.
export const PAGE_LANGUAGES = ['nb', 'nn', 'en'] as const;
export type PageLang = (typeof PAGE_LANGUAGES)[number];
