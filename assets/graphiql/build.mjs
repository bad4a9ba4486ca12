// Copies GraphiQL's browser builds from the pinned npm packages (package-lock.json) into the
// Django static files, so the GraphiQL page loads nothing from a CDN. Run by `make graphiql`;
// its output is committed, so `make run` needs no npm.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const target = join(here, "..", "..", "graphql_api", "static", "graphiql", "vendor");

const files = {
  "react.production.min.js": "react/umd/react.production.min.js",
  "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
  "graphiql.min.js": "graphiql/graphiql.min.js",
  "graphiql.min.css": "graphiql/graphiql.min.css",
  "plugin-explorer.umd.js": "@graphiql/plugin-explorer/dist/index.umd.js",
  "plugin-explorer.css": "@graphiql/plugin-explorer/dist/style.css",
};
const licences = ["react", "react-dom", "graphiql", "@graphiql/plugin-explorer"];

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
for (const [name, source] of Object.entries(files)) {
  copyFileSync(join(modules, source), join(target, name));
}
const notice = licences.map((name) => {
  const pkg = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
  let text = "";
  try {
    text = readFileSync(join(modules, name, "LICENSE"), "utf8");
  } catch {
    text = `License: ${pkg.license}`;
  }
  return `${pkg.name} ${pkg.version}\n\n${text.trim()}\n`;
});
writeFileSync(join(target, "LICENSES.txt"), notice.join("\n" + "-".repeat(72) + "\n\n"));
console.log(`GraphiQL files written to ${target}`);
