/**
 * The import graph of the library's sources and the two checks the architecture test runs on it:
 * import cycles, and imports that break the dependency rule of docs/architecture.md. Pure
 * functions over an in-memory graph, so the checks themselves can be tested on a small graph.
 */
import ts from 'typescript';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/**
 * How a file names another: `static` (import/export … from), `type` (import type, export type …
 * from), `dynamic` (import() at run time), `typeQuery` (a type-level `import('…')`, as the
 * platform contracts use to check the twins; it compiles to nothing, so it orders no loading).
 */
export type ImportKind = 'static' | 'type' | 'dynamic' | 'typeQuery';

export interface ImportEdge {
  /** Repository-relative path of the importing file, with '/' separators. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** Repository-relative path of the imported file; null for a package or `node:` module. */
  to: string | null;
  kind: ImportKind;
}

/** Every module specifier in `source`, with how it is imported. */
export function parseImports(fileName: string, source: string): { specifier: string; kind: ImportKind }[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const found: { specifier: string; kind: ImportKind }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, kind: isTypeOnly(node) ? 'type' : 'static' });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) found.push({ specifier: arg.text, kind: 'dynamic' });
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) found.push({ specifier: arg.literal.text, kind: 'typeQuery' });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** `import type …`, `export type … from`, or an import whose every named binding is `type`. */
function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const e = node.exportClause;
    return e !== undefined && ts.isNamedExports(e) && e.elements.length > 0 && e.elements.every((el) => el.isTypeOnly);
  }
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import runs the module
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((el) => el.isTypeOnly);
}

/**
 * The source file a relative specifier names (NodeNext style: './x.js' is './x.ts'), as a
 * repository-relative path; null when nothing there exists. `exists` answers for such paths.
 */
export function resolveRelative(from: string, specifier: string, exists: (path: string) => boolean): string | null {
  const base = normalize(join(dirname(from), specifier)).split(sep).join('/');
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`, base];
  return candidates.find((c) => c.endsWith('.ts') && exists(c)) ?? null;
}

/** `.ts` files (not `.d.ts`) under `dirs` of `root`, plus the listed top-level files, as repository-relative paths. */
export function librarySources(root: string, dirs: readonly string[], topLevel: readonly string[]): string[] {
  const files = topLevel.filter((f) => existsSync(join(root, f)));
  for (const dir of dirs) {
    for (const f of readdirSync(join(root, dir), { recursive: true }) as string[]) {
      if (f.endsWith('.ts') && !f.endsWith('.d.ts')) files.push(relative(root, join(root, dir, f)).split(sep).join('/'));
    }
  }
  return files.sort();
}

/** The import edges of `files` (repository-relative), read from `root`. Unresolvable relative imports keep `to` null. */
export function importEdges(root: string, files: readonly string[]): ImportEdge[] {
  const exists = (p: string) => existsSync(join(root, p));
  return files.flatMap((from) =>
    parseImports(from, readFileSync(join(root, from), 'utf8')).map(({ specifier, kind }) => ({
      from,
      specifier,
      kind,
      to: specifier.startsWith('.') ? resolveRelative(from, specifier, exists) : null,
    })),
  );
}

/** An import cycle: one closed path (its first file repeated at the end) and every file of its strongly connected component. */
export interface ImportCycle {
  path: string[];
  files: string[];
}

/** How a cycle reads in a test failure: the path, and the component's other files if any. */
export function describeCycle(c: ImportCycle): string {
  const others = c.files.filter((f) => !c.path.includes(f));
  return `${c.path.join(' → ')}${others.length > 0 ? ` (its component also holds ${others.join(', ')})` : ''}`;
}

/**
 * Every import cycle, one per strongly connected component (Tarjan), with a shortest closed path
 * through it. Type queries are left out (see ImportKind).
 */
export function findCycles(edges: readonly ImportEdge[]): ImportCycle[] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (e.to === null || e.kind === 'typeQuery') continue;
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    if (!next.has(e.to)) next.set(e.to, []);
  }
  return stronglyConnected(next)
    .filter((scc) => scc.length > 1 || (next.get(scc[0]) ?? []).includes(scc[0]))
    .map((scc) => ({ path: closedPath(scc, next), files: scc }));
}

function stronglyConnected(next: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    out.push(scc.sort());
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** A shortest closed path from the component's first file back to itself, staying inside it (breadth first). */
function closedPath(scc: string[], next: Map<string, string[]>): string[] {
  const inside = new Set(scc);
  const start = scc[0];
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of next.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = parent.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** The library's layers, what each may import, and the folders no library file may import. */
export const LAYER_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  core: ['core'],
  autodiff: ['core', 'autodiff'],
  samplers: ['core', 'samplers'],
  models: ['core', 'autodiff', 'samplers', 'models'],
  'index.ts': ['core', 'autodiff', 'samplers', 'models'],
};

/** The layer of a repository-relative path: its first folder, or the file itself at the top level. */
export function layerOf(path: string): string {
  return path.split('/')[0];
}

/** Node built-ins are for the Node twins in core/platform and for a worker's entry file only. */
export function mayImportNode(path: string): boolean {
  const nodeTwin = path.startsWith('core/platform/') && !/\.(browser|contract)\.ts$/.test(path);
  const workerEntry = path.endsWith('/worker.ts');
  return nodeTwin || workerEntry;
}

/** Each edge that breaks the dependency rule, as a sentence naming both files; unresolved relative imports too. */
export function ruleViolations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const allowed = LAYER_IMPORTS[layerOf(e.from)];
    if (allowed === undefined) continue; // not library code (bin/, bench/, test/, docs/)
    if (e.from.endsWith('.contract.ts') && (e.kind === 'static' || e.kind === 'dynamic')) {
      out.push(`${e.from} imports '${e.specifier}' at run time: a platform contract is type-level only`);
    } else if (e.specifier.startsWith('node:') && !mayImportNode(e.from)) {
      out.push(`${e.from} imports '${e.specifier}': only core/platform's Node twins and a worker entry may import node: modules`);
    } else if (e.specifier.startsWith('.') && e.to === null) {
      out.push(`${e.from} imports '${e.specifier}', which resolves to no .ts file`);
    } else if (e.to !== null && !allowed.includes(layerOf(e.to))) {
      out.push(`${e.from} (${layerOf(e.from)}) imports ${e.to} (${layerOf(e.to)}): ${layerOf(e.from)} may import only ${allowed.join(', ')}`);
    }
  }
  return out;
}
