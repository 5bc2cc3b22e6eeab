/** Bytes of a Kubernetes byte quantity such as `512Mi` (the forms `ByteQuantity` allows). */
export function quantityBytes(quantity: string): number {
  const match = /^([0-9]+)(Ki|Mi|Gi|Ti)$/.exec(quantity);
  if (!match) throw new Error(`not a byte quantity: ${quantity}`);
  return Number(match[1]) * 1024 ** { Ki: 1, Mi: 2, Gi: 3, Ti: 4 }[match[2] as 'Ki' | 'Mi' | 'Gi' | 'Ti'];
}

/**
 * Whole cores of a CPU quantity such as `500m` or `2`, rounded up and at least 1: what Go's runtime
 * takes for GOMAXPROCS in a container with that CPU limit.
 */
export function cpuCores(quantity: string): number {
  return Math.max(1, Math.ceil(cpuQuantity(quantity)));
}

/** Cores of a CPU quantity such as `500m` (0.5) or `2`. */
export function cpuQuantity(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/** Cores of a CPU quantity or bytes of a byte quantity, for comparing a request with its limit. */
export function quantityAmount(quantity: string): number {
  return /[KMGT]i$/.test(quantity) ? quantityBytes(quantity) : cpuQuantity(quantity);
}
