// Issue 19's way out for a target no implementation can meet: a floor row measured in the same run
// (only the work the product cannot avoid, on node's and the drivers' own primitives) that misses
// the goal too bounds it. A floor that meets the goal leaves the miss as ours.
import type { TargetCheck } from "./targets.js";

/** What limits a target: the floor's name, its ratio in this run, and what it does. */
export interface Bound {
  name: string;
  measured: number;
  detail: string;
}

const x = (v: number) => `${v.toFixed(2)}×`;

export const meets = (measured: number, goal: number, kind: "min" | "max") => (kind === "min" ? measured >= goal : measured <= goal);

/**
 * A missed check whose floor misses the goal as well becomes "bounded", its why led by the floor's
 * numbers; one whose floor meets the goal stays missed, its why saying how far ours is from the floor.
 * `floor` undefined (not measured, or its rows failed) leaves the check as it is.
 */
export function withBound(c: TargetCheck, floor: Bound | undefined): TargetCheck {
  if (c.status !== "missed" || floor === undefined || c.measured === undefined || !Number.isFinite(floor.measured)) return c;
  // explain() may leave a why that is only its leading-space busy-machine note.
  const why = c.why?.trim() ?? "";
  const rest = why ? ` ${why}` : "";
  if (!meets(floor.measured, c.goal, c.kind)) {
    return {
      ...c,
      status: "bounded",
      bound: floor,
      why: `bounded by ${floor.name}: ${floor.detail} reaches ${x(floor.measured)} in this run (goal ${c.kind === "min" ? "≥" : "≤"} ${c.goal}×); ours ${x(c.measured)}.${rest}`,
    };
  }
  const gap = Math.abs((c.measured / floor.measured - 1) * 100).toFixed(0);
  return {
    ...c,
    why: `${why ? `${why} ` : ""}Not bounded: ${floor.detail} reaches ${x(floor.measured)} in this run, which meets the goal, so the gap is ours (${x(c.measured)}, ${gap}% ${c.kind === "min" ? "below" : "above"} that floor).`,
  };
}
