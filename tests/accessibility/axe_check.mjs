// Accessibility check of the published HTML pages: axe-core in headless Chromium, plus the report's own checks.
//
//   node tests/accessibility/axe_check.mjs [--json OUT.json] [--no-best-practice] FILE_OR_DIR...
//
// Every *.html file given (or in a directory given) is opened as a file:// URL in Debian's Chromium
// (CHROMIUM, default /usr/bin/chromium; playwright-core only drives it, it never downloads a browser) and checked by
// axe-core with the WCAG 2.0/2.1 A and AA rules (tags wcag2a, wcag2aa, wcag21a, wcag21aa) and axe's best practices.
// Next to axe, each page is checked for what the report promises (see REPORT_CHECKS below): lang="nl", exactly one
// h1, no skipped heading levels, a non-empty alt on every <img>, a <caption> and <th scope> in every table, unique
// ids (links and aria-labelledby point to one element) and a named <summary> as the first child of every <details>.
//
// Prints one line per page ("OK  <n> violations  <file>" or "FAIL ... <rule ids>") and, with --json, writes
// {"axe": version, "chromium": version, "tags": [...], "pages": [{file, violations: [{id, impact, help, nodes,
// targets}], report: [{id, message, targets}], seconds}]}. Exit status: 0 when every page has zero violations and
// zero report problems, 1 when some page has any, 2 when the check itself could not run (no Chromium, bad argument).

import { readFileSync, readdirSync, statSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve, join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_VERSION = JSON.parse(readFileSync(require.resolve("axe-core/package.json"), "utf8")).version;

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// The start flags that work as root on a machine without network; playwright adds --headless and a fresh
// --user-data-dir of its own.
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

function usage(message) {
  console.error(`error: ${message}\nusage: node axe_check.mjs [--json OUT.json] [--no-best-practice] FILE_OR_DIR...`);
  process.exit(2);
}

function htmlFiles(args) {
  const files = [];
  for (const arg of args) {
    const path = resolve(arg);
    if (!existsSync(path)) usage(`${arg}: not found`);
    if (statSync(path).isDirectory()) {
      files.push(...readdirSync(path).filter((name) => name.endsWith(".html")).sort().map((name) => join(path, name)));
    } else {
      files.push(path);
    }
  }
  return files;
}

// The report's own checks, run in the page. Each problem: {id, message, targets}.
function REPORT_CHECKS() {
  const problems = [];
  const describe = (element) => {
    const id = element.id ? `#${element.id}` : "";
    const text = (element.textContent || "").trim().replace(/\s+/g, " ").slice(0, 60);
    return `${element.tagName.toLowerCase()}${id}${text ? ` "${text}"` : ""}`;
  };
  const add = (id, message, elements = []) => problems.push({ id, message, targets: elements.slice(0, 5).map(describe) });

  const lang = document.documentElement.getAttribute("lang");
  if (lang !== "nl") add("report-lang-nl", `<html lang="${lang}">, expected lang="nl"`);

  const h1s = [...document.querySelectorAll("h1")];
  if (h1s.length !== 1) add("report-one-h1", `${h1s.length} h1 headings, expected exactly one`, h1s);

  let previous = 0;
  const skipped = [];
  for (const heading of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const level = Number(heading.tagName[1]);
    if (previous === 0 ? level !== 1 : level > previous + 1) skipped.push(heading);
    previous = level;
  }
  if (skipped.length) add("report-heading-order", `${skipped.length} headings skip a level (or the first is no h1)`, skipped);

  const images = [...document.querySelectorAll("img")].filter((img) => !(img.getAttribute("alt") || "").trim());
  if (images.length) add("report-img-alt", `${images.length} images without a non-empty alt`, images);

  const tables = [...document.querySelectorAll("table")];
  const noCaption = tables.filter((table) => !(table.caption && table.caption.textContent.trim()));
  if (noCaption.length) add("report-table-caption", `${noCaption.length} tables without a <caption>`, noCaption);
  const noScope = [...document.querySelectorAll("th")].filter((th) => !["col", "row", "colgroup", "rowgroup"]
    .includes(th.getAttribute("scope")));
  if (noScope.length) add("report-th-scope", `${noScope.length} <th> without scope`, noScope);
  const noHeader = tables.filter((table) => !table.querySelector("th"));
  if (noHeader.length) add("report-table-headers", `${noHeader.length} tables without <th>`, noHeader);

  const ids = new Map();
  for (const element of document.querySelectorAll("[id]")) ids.set(element.id, [...(ids.get(element.id) || []), element]);
  const duplicates = [...ids.values()].filter((elements) => elements.length > 1).map((elements) => elements[0]);
  if (duplicates.length) add("report-unique-ids", `${duplicates.length} ids used more than once`, duplicates);

  const badDetails = [...document.querySelectorAll("details")].filter((details) => {
    const summary = details.firstElementChild;
    return !summary || summary.tagName !== "SUMMARY" || !summary.textContent.trim();
  });
  if (badDetails.length) add("report-details-summary", `${badDetails.length} <details> without a named <summary> first`,
    badDetails);
  return problems;
}

async function main() {
  const argv = process.argv.slice(2);
  let jsonOut = null;
  let bestPractice = true;
  const inputs = [];
  for (let index = 0; index < argv.length; index += 1) {
    if (argv[index] === "--json") jsonOut = argv[++index] || usage("--json needs a file name");
    else if (argv[index] === "--no-best-practice") bestPractice = false;
    else if (argv[index].startsWith("--")) usage(`unknown option ${argv[index]}`);
    else inputs.push(argv[index]);
  }
  const files = htmlFiles(inputs);
  if (!files.length) usage("no HTML files given");
  const tags = bestPractice ? [...WCAG_TAGS, "best-practice"] : WCAG_TAGS;

  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(executablePath)) usage(`${executablePath}: no Chromium (Debian: apt-get install chromium)`);
  const started = Date.now();
  let browser;
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60000 });
  } catch (error) {
    console.error(`error: could not start ${executablePath}: ${error.message.split("\n")[0]}`);
    process.exit(2);
  }
  const result = { axe: AXE_VERSION, chromium: browser.version(), tags, pages: [] };
  let failed = 0;
  try {
    // One context for all pages; nothing may be fetched from elsewhere (the pages are self-contained).
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: true });
    await context.route(/^(?!file:|data:)/, (route) => route.abort());
    for (const file of files) {
      const begin = Date.now();
      const page = await context.newPage();
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      await page.addScriptTag({ content: AXE_SOURCE });
      const axe = await page.evaluate(async (runTags) => {
        const results = await window.axe.run(document, {
          runOnly: { type: "tag", values: runTags },
          resultTypes: ["violations", "incomplete"],
        });
        const incomplete = results.incomplete.map((item) => ({ id: item.id, nodes: item.nodes.length,
          targets: item.nodes.slice(0, 5).map((node) => node.target.join(" ")) }));
        const violations = results.violations.map((violation) => ({
          id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.length,
          targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
          summary: violation.nodes.slice(0, 2).map((node) => node.failureSummary),
        }));
        return { violations, incomplete };
      }, tags);
      const report = await page.evaluate(REPORT_CHECKS);
      await page.close();
      const entry = { file, violations: axe.violations, incomplete: axe.incomplete, report, seconds: (Date.now() - begin) / 1000 };
      result.pages.push(entry);
      const count = axe.violations.length + report.length;
      if (count) failed += 1;
      const ids = [...axe.violations.map((v) => `${v.id}(${v.nodes})`), ...report.map((p) => p.id)].join(" ");
      console.log(`${count ? "FAIL" : "OK  "} ${String(axe.violations.length).padStart(3)} axe violations, ` +
        `${String(report.length).padStart(2)} report problems  ${file}${ids ? `  ${ids}` : ""}`);
    }
  } finally {
    await browser.close();
  }
  result.seconds = (Date.now() - started) / 1000;
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2) + "\n");
  console.log(`${files.length} pages, ${failed} with problems; axe-core ${AXE_VERSION}, Chromium ${result.chromium}, ` +
    `tags ${tags.join(",")}, ${result.seconds.toFixed(1)} s`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(`error: ${error.stack || error}`);
  process.exit(2);
});
