/** pv-appengine's output (pv-appengine.out, APPENGINE_OUT): for the people reading a bundle (no check reads it). */
import { shellQuote as q } from '../tooling/shell-quote.ts';
import type { EvidenceSource } from './source.ts';

export const APPENGINE_OUT: EvidenceSource<string> = {
  name: 'appengine-out',
  file: 'pv-appengine.out',
  gathered: 'capture',
  command: (p) => `cat ${q(p.appengineOut ?? '')}`,
  read: (text) => ({ value: text }),
};
