// nginx's configuration syntax, parsed structurally: no nginx binary (and so no `nginx -t`) runs where
// the tests do. Words, quoted strings, `#` comments, `;`-terminated directives and `{ }` blocks, as
// nginx's own tokenizer reads them, plus the directives each context of deploy/nginx/ may hold, so a
// typo or a directive in the wrong block fails a test instead of the container's start.
export class NginxSyntaxError extends Error {}

export interface Directive {
  name: string;
  args: string[];
  line: number;
  /** The block's directives; undefined for a simple (`;`-terminated) directive. */
  block?: Directive[];
}

type Token = { kind: 'word'; text: string; line: number } | { kind: '{' | '}' | ';'; line: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\n') line++;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '{' || c === '}' || c === ';') {
      tokens.push({ kind: c, line });
      i++;
    } else if (c === '"' || c === "'") {
      const start = line;
      let value = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        if (text[i] === '\n') line++;
        value += text[i];
        i++;
      }
      if (i >= text.length) throw new NginxSyntaxError(`line ${start}: unterminated ${c} string`);
      i++;
      tokens.push({ kind: 'word', text: value, line: start });
    } else {
      let value = '';
      while (i < text.length && !/[\s{};]/.test(text[i] ?? '')) value += text[i++];
      tokens.push({ kind: 'word', text: value, line });
    }
  }
  return tokens;
}

/** The directives of a configuration file (or of an included one, e.g. conf.d/default.conf). */
export function parseNginxConf(text: string): Directive[] {
  const tokens = tokenize(text);
  let at = 0;
  const parseBlock = (closing: boolean, openedAt: number): Directive[] => {
    const directives: Directive[] = [];
    let words: Array<{ text: string; line: number }> = [];
    for (;;) {
      const token = tokens[at++];
      if (!token) {
        if (words.length > 0) throw new NginxSyntaxError(`line ${words[0]?.line}: "${words[0]?.text}" is not terminated by ";"`);
        if (closing) throw new NginxSyntaxError(`line ${openedAt}: the block is not closed by "}"`);
        return directives;
      }
      if (token.kind === 'word') {
        words.push(token);
        continue;
      }
      const [name, ...args] = words;
      if (token.kind === '}') {
        if (name) throw new NginxSyntaxError(`line ${name.line}: "${name.text}" is not terminated by ";"`);
        if (!closing) throw new NginxSyntaxError(`line ${token.line}: unexpected "}"`);
        return directives;
      }
      if (!name) throw new NginxSyntaxError(`line ${token.line}: unexpected "${token.kind}"`);
      const directive: Directive = { name: name.text, args: args.map((a) => a.text), line: name.line };
      if (token.kind === '{') directive.block = parseBlock(true, token.line);
      directives.push(directive);
      words = [];
    }
  };
  return parseBlock(false, 1);
}

/** Which directives may appear where, and whether each takes a block: what deploy/nginx/ uses, and their usual company. */
const CONTEXTS: Record<string, Record<string, 'simple' | 'block'>> = {
  // conf.d files are included inside the image's `http { }`.
  http: {
    upstream: 'block',
    server: 'block',
    resolver: 'simple',
    resolver_timeout: 'simple',
    map: 'block',
    log_format: 'simple',
    access_log: 'simple',
    error_log: 'simple',
    client_max_body_size: 'simple',
    server_tokens: 'simple',
    proxy_http_version: 'simple',
    proxy_set_header: 'simple',
  },
  upstream: {
    server: 'simple',
    zone: 'simple',
    keepalive: 'simple',
    keepalive_timeout: 'simple',
    keepalive_requests: 'simple',
    least_conn: 'simple',
    ip_hash: 'simple',
    hash: 'simple',
    random: 'simple',
    resolver: 'simple',
    resolver_timeout: 'simple',
  },
  server: {
    listen: 'simple',
    server_name: 'simple',
    location: 'block',
    server_tokens: 'simple',
    client_max_body_size: 'simple',
    access_log: 'simple',
    error_log: 'simple',
    resolver: 'simple',
    return: 'simple',
  },
  location: {
    proxy_pass: 'simple',
    proxy_http_version: 'simple',
    proxy_set_header: 'simple',
    proxy_next_upstream: 'simple',
    proxy_next_upstream_tries: 'simple',
    proxy_next_upstream_timeout: 'simple',
    proxy_connect_timeout: 'simple',
    proxy_read_timeout: 'simple',
    proxy_send_timeout: 'simple',
    proxy_buffering: 'simple',
    proxy_request_buffering: 'simple',
    client_max_body_size: 'simple',
    access_log: 'simple',
    return: 'simple',
    location: 'block',
  },
};

/** `proxy_next_upstream`'s conditions (nginx docs, ngx_http_proxy_module). */
const NEXT_UPSTREAM = new Set([
  'error',
  'timeout',
  'denied',
  'invalid_header',
  'http_500',
  'http_502',
  'http_503',
  'http_504',
  'http_403',
  'http_404',
  'http_429',
  'non_idempotent',
  'off',
]);
/** Parameters of an upstream `server` after its address. */
const SERVER_PARAM = /^(weight=\d+|max_conns=\d+|max_fails=\d+|fail_timeout=\d+(ms|s|m|h)?|backup|down|resolve|service=\S+|slow_start=\d+(ms|s|m|h)?)$/;

/**
 * What nginx would refuse (or silently misread) in a conf.d file: directives outside their context or
 * with a block where none belongs (and the reverse), no arguments where some are required, unknown
 * `proxy_next_upstream` conditions and upstream `server` parameters, `resolve` without a `zone` and a
 * resolver, a `proxy_pass` to an upstream that is not defined. Empty when the file is sane.
 */
export function nginxProblems(directives: Directive[]): string[] {
  const problems: string[] = [];
  const upstreams = new Set(directives.filter((d) => d.name === 'upstream').map((d) => d.args[0]));
  const hasResolver = (list: Directive[]) => list.some((d) => d.name === 'resolver' && d.args.length > 0);
  const walk = (list: Directive[], context: string) => {
    for (const d of list) {
      const where = `line ${d.line}: ${d.name}`;
      const kind = CONTEXTS[context]?.[d.name];
      if (!kind) {
        problems.push(`${where}: not allowed in ${context}`);
        continue;
      }
      if ((kind === 'block') !== Boolean(d.block)) problems.push(`${where}: ${kind === 'block' ? 'needs' : 'takes no'} { } block`);
      const bare = ['least_conn', 'ip_hash'].includes(d.name);
      if (!bare && d.args.length === 0 && d.name !== 'server') problems.push(`${where}: needs arguments`);
      if (d.name === 'upstream' && d.args.length !== 1) problems.push(`${where}: takes one name`);
      if (d.name === 'location' && d.args.length === 0) problems.push(`${where}: needs a path`);
      if (d.name === 'proxy_next_upstream') {
        for (const a of d.args) if (!NEXT_UPSTREAM.has(a)) problems.push(`${where}: unknown condition "${a}"`);
      }
      if (d.name === 'proxy_set_header' && d.args.length !== 2) problems.push(`${where}: takes a header and a value`);
      if (d.name === 'proxy_pass') {
        const target = /^https?:\/\/([^/:]+)/.exec(d.args[0] ?? '')?.[1];
        if (d.args.length !== 1 || !target) problems.push(`${where}: takes one http(s):// URL`);
        else if (!target.includes('.') && !upstreams.has(target)) problems.push(`${where}: no upstream "${target}"`);
      }
      if (context === 'upstream' && d.name === 'server') {
        const [address, ...params] = d.args;
        if (!address) problems.push(`${where}: needs an address`);
        for (const p of params) if (!SERVER_PARAM.test(p)) problems.push(`${where}: unknown parameter "${p}"`);
      }
      if (d.name === 'upstream' && d.block) {
        const resolving = d.block.some((s) => s.name === 'server' && s.args.includes('resolve'));
        if (resolving && !d.block.some((s) => s.name === 'zone')) problems.push(`${where}: servers with "resolve" need a zone`);
        if (resolving && !hasResolver(d.block) && !hasResolver(directives)) problems.push(`${where}: servers with "resolve" need a resolver`);
      }
      if (d.block) walk(d.block, d.name === 'location' ? 'location' : d.name);
    }
  };
  walk(directives, 'http');
  return problems;
}

/** Every directive named `name`, at any depth. */
export function findDirectives(directives: Directive[], name: string): Directive[] {
  return directives.flatMap((d) => [...(d.name === name ? [d] : []), ...findDirectives(d.block ?? [], name)]);
}
