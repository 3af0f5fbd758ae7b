/** Bits of `image_chain` (SPEC §2.2): which files of an image exist, MSB first. */
export const CHAIN = {
  frame: 16,
  original: 8,
  image: 4,
  medium: 2,
  thumb: 1,
} as const;

export type ChainPart = keyof typeof CHAIN;

/** In bit order, which is also the order the API lists the file sub-objects in. */
export const CHAIN_PARTS: readonly ChainPart[] = ['frame', 'original', 'image', 'medium', 'thumb'];

export interface ChainFlags {
  frame: boolean;
  image: boolean;
  medium: boolean;
  thumb: boolean;
  /** Uploads never produce an original (`.or.`); kept for imported rows. */
  original?: boolean;
}

export function chainOf(flags: ChainFlags): number {
  let chain = 0;
  for (const part of CHAIN_PARTS) if (flags[part] === true) chain |= CHAIN[part];
  return chain;
}

export function hasInChain(chain: number, part: ChainPart): boolean {
  return (chain & CHAIN[part]) !== 0;
}

export function chainParts(chain: number): ChainPart[] {
  return CHAIN_PARTS.filter((part) => hasInChain(chain, part));
}
