// Render TeX with KaTeX for book/_ext/katex_math.py: one JSON request per line
// on stdin, ["tex", displayMode], one JSON answer per line on stdout,
// {"html": ...} or {"error": ...}.
"use strict";
const katex = require(process.argv[2]);
const lines = require("readline").createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const [tex, display] = JSON.parse(line);
  let answer;
  try {
    answer = { html: katex.renderToString(tex, {
      displayMode: display, output: "htmlAndMathml", throwOnError: true, strict: "error" }) };
  } catch (error) {
    answer = { error: String(error.message || error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
