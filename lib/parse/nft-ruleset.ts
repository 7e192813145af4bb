/** What both ruleset readers make (nft.ts from `nft list ruleset`, nft-json.ts from `nft -j list ruleset`). */
/** A chain: base-chain properties from its `type ... hook ... priority ...; policy ...;` line, and its rules in order. */
export interface NftChain {
  name: string;
  type?: string;
  hook?: string;
  priority?: string;
  policy?: string;
  rules: string[];
}

/** A table: `table <family> <name> { ... }`. */
export interface NftTable {
  family: string;
  name: string;
  chains: NftChain[];
  /** named sets: their elements as printed (`10.0.5.0/24`, `10.0.5.2-10.0.5.9`) */
  sets?: Record<string, string[]>;
}

/** The tables, or why the output is not a ruleset nft prints (`problem`; what was read is kept). */
export interface NftRead {
  tables: NftTable[];
  problem?: string;
}
