/**
 * The longest remaining path from each step to the end of the graph, counting the step
 * itself: `weight[i] + max(rank of its successors)`. `order` must be topological.
 */
export function remainingPathLengths(
  order: readonly number[],
  successors: readonly (readonly number[])[],
  weight: Float64Array,
): Float64Array {
  const rank = new Float64Array(weight.length);
  for (let position = order.length - 1; position >= 0; position--) {
    const step = order[position]!;
    let longest = 0;
    for (const next of successors[step]!) {
      const length = rank[next]!;
      if (length > longest) longest = length;
    }
    rank[step] = weight[step]! + longest;
  }
  return rank;
}
