/** `lxc-ls -f`: the containers, their state and addresses (lxc-ls.txt). An output not recognised cannot be read: "no containers" would be a verdict. */
import { type LxcRow, readLxcLs } from '../parse/lxc-ls.ts';
import type { EvidenceSource } from './source.ts';

export const LXC_LS: EvidenceSource<LxcRow[]> = {
  name: 'lxc-ls',
  file: 'lxc-ls.txt',
  gathered: 'always',
  command: () => 'lxc-ls -f',
  read: (text) => {
    const r = readLxcLs(text);
    return { value: r.rows, problem: r.problem };
  },
  readability: { exitStatus: true },
};
