/**
 * Terminal colours: only when the stream is a terminal and `NO_COLOR` is unset or empty
 * (https://no-color.org). Pure: the decision takes the stream's `isTTY` and the environment.
 */
export type Paint = (role: ColourRole, text: string) => string;
export type ColourRole = 'fake' | 'real' | 'uncertain' | 'muted' | 'bold';

const CODES: Readonly<Record<ColourRole, readonly [number, number]>> = {
  fake: [31, 39],
  real: [32, 39],
  uncertain: [33, 39],
  muted: [2, 22],
  bold: [1, 22],
};

export function wantsColour(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  return isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

export function painter(enabled: boolean): Paint {
  if (!enabled) return (_role, text) => text;
  return (role, text) => {
    const [on, off] = CODES[role];
    return `\x1b[${on}m${text}\x1b[${off}m`;
  };
}

export const plain: Paint = painter(false);
