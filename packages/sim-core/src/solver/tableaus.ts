/**
 * The integration methods a run can use, as Butcher tableaus of explicit Runge–Kutta methods. Each
 * has one non-zero entry per row of A (aᵢ on the sub-diagonal), so stage i is evaluated at
 * y₀ + aᵢ·h·kᵢ₋₁ and time t + cᵢ·h: one loop per stage serves all three (see integrator.ts).
 */

export type SolverMethod = 'euler' | 'heun' | 'rk4';
export const SOLVER_METHODS: readonly SolverMethod[] = ['euler', 'heun', 'rk4'];

/** Nodes c, weights b, and the sub-diagonal of A (a[0] unused). */
export interface Tableau {
  readonly c: readonly number[];
  readonly a: readonly number[];
  readonly b: readonly number[];
}

/** Index = SOLVER_METHODS order. */
const TABLEAUS: readonly Tableau[] = [
  { c: [0], a: [0], b: [1] }, // Euler
  { c: [0, 1], a: [0, 1], b: [0.5, 0.5] }, // Heun (explicit trapezoid)
  { c: [0, 0.5, 0.5, 1], a: [0, 0.5, 0.5, 1], b: [1 / 6, 1 / 3, 1 / 3, 1 / 6] }, // classic RK4
];

/** The tableau of a method (one of SOLVER_METHODS, checked with the run's options). */
export function tableauOf(method: SolverMethod): Tableau {
  return TABLEAUS[SOLVER_METHODS.indexOf(method)];
}
