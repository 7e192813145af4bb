/** `nft list ruleset` (nft-ruleset.txt): the nftables rules; a scenario's `gather` may print it as JSON (`nft -j list ruleset`), read into the same shape. */
import { type NftTable, readNftRuleset } from '../parse/nft.ts';
import type { EvidenceSource } from './source.ts';

export const NFT: EvidenceSource<NftTable[]> = {
  name: 'nft',
  file: 'nft-ruleset.txt',
  gathered: 'always',
  command: () => 'nft list ruleset',
  read: (text) => {
    const r = readNftRuleset(text);
    return { value: r.tables, problem: r.problem };
  },
  readability: { exitStatus: true },
};
