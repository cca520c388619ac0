// Docker Compose's variable interpolation, for the forms docker-compose.yml uses: `${VAR}`,
// `${VAR:-default}` / `${VAR-default}`, `${VAR:?error}` / `${VAR?error}` and `$$`. No Docker
// engine (and so no `docker compose config`) runs where the tests do.
export class MissingVariableError extends Error {}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g;

export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(REFERENCE, (match, name: string | undefined, colon: string | undefined, operator: string | undefined, argument: string | undefined) => {
    if (match === '$$') return '$';
    const value = env[name ?? ''];
    // With the colon an empty value counts as unset, as in compose (and the shell).
    const unset = value === undefined || (colon === ':' && value === '');
    if (operator === '-') return unset ? (argument ?? '') : (value ?? '');
    if (operator === '?') {
      if (unset) throw new MissingVariableError(`required variable ${name} is missing a value: ${argument ?? ''}`);
      return value ?? '';
    }
    return value ?? '';
  });
}

/** Every `${…}` reference: the variable and how it is written (`:?`, `:-`, or plain). */
export function references(text: string): Array<{ name: string; form: string; argument: string }> {
  return [...text.matchAll(REFERENCE)]
    .filter(([match]) => match !== '$$')
    .map(([, name = '', colon = '', operator = '', argument = '']) => ({ name, form: `${colon}${operator}`, argument }));
}
