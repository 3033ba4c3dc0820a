// npm run docs:check (part of npm run check): every relative link in the README and docs/ must name a file of the
// repository, and a link with a #fragment a heading of that file, as GitHub renders it; the prose names no issue
// number (a newcomer cannot read the tracker); test/README.md names every folder of test/, every support module and
// every fixture. Fails with one line per problem.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const FILES = [
  "README.md",
  "test/README.md",
  "sdk/README.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

/** The text outside fenced code blocks, line by line (fenced lines become empty, so line numbers hold). */
function proseLines(markdown: string): string[] {
  let fenced = false;
  return markdown.split("\n").map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return "";
    }
    return fenced ? "" : line;
  });
}

/** GitHub's heading anchors: the heading's text lower-cased, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1]!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[`*]/g, "");
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

function problemsIn(file: string): string[] {
  const markdown = readFileSync(path.join(ROOT, file), "utf8");
  const problems: string[] = [];
  proseLines(markdown).forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    const prose = line.replace(/`[^`]*`/g, "");
    if (/\bissues? \d/i.test(prose)) problems.push(`${where}: names an issue number; say what changed instead`);
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      const [filePart = "", fragment] = target.split("#");
      const resolved = filePart === "" ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), decodeURIComponent(filePart));
      if (!resolved.startsWith(ROOT + path.sep) && resolved !== ROOT) problems.push(`${where}: ${target} is outside the repository`);
      else if (!existsSync(resolved)) problems.push(`${where}: ${target}: no such file`);
      else if (fragment !== undefined) {
        if (statSync(resolved).isDirectory() || !resolved.endsWith(".md")) problems.push(`${where}: ${target}: a fragment needs a Markdown file`);
        else if (!anchors(readFileSync(resolved, "utf8")).has(fragment)) problems.push(`${where}: ${target}: no such heading`);
      }
    }
  });
  return problems;
}

/** Each folder of test/, module of test/support/ and *.fixture.ts that test/README.md does not name in backticks. */
function unnamedInTestReadme(): string[] {
  const readme = readFileSync(path.join(ROOT, "test/README.md"), "utf8");
  const named = new Set([...readme.matchAll(/`([^`]+)`/g)].map((match) => match[1]!.replace(/^test\//, "").replace(/\/$/, "")));
  const test = path.join(ROOT, "test");
  const folders = readdirSync(test).filter((name) => statSync(path.join(test, name)).isDirectory());
  const support = readdirSync(path.join(test, "support")).filter((name) => name.endsWith(".ts"));
  const fixtures = folders.flatMap((folder) =>
    readdirSync(path.join(test, folder))
      .filter((name) => name.endsWith(".fixture.ts"))
      .map((name) => `${folder}/${name}`),
  );
  return [...folders, ...support, ...fixtures].filter((name) => !named.has(name)).map((name) => `test/README.md: does not name \`${name}\``);
}

const problems = [...FILES.flatMap(problemsIn), ...unnamedInTestReadme()];
for (const problem of problems) console.error(problem);
if (problems.length > 0) process.exit(1);
