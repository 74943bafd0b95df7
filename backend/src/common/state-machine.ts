/**
 * A status column's allowed moves, listed once. Repositories write a status
 * only with `WHERE status IN (sourcesOf(target))`, so a row never takes a move
 * that is not in the table, whichever process tries it.
 */
export class StateMachine<S extends string> {
  constructor(
    readonly name: string,
    private readonly transitions: { readonly [From in S]: readonly S[] },
  ) {}

  canMove(from: S, to: S): boolean {
    return this.transitions[from].includes(to);
  }

  /** The statuses a row may be in to move to `to`. */
  sourcesOf(to: S): S[] {
    return (Object.keys(this.transitions) as S[]).filter((from) => this.canMove(from, to));
  }

  /** Statuses with no way out. */
  finals(): S[] {
    return (Object.keys(this.transitions) as S[]).filter((from) => this.transitions[from].length === 0);
  }
}
