// MathML in, speech out: reads a JSON list of MathML strings on stdin and writes the list of
// their ClearSpeak renderings (English) as JSON on stdout. Run once at start-up by
// chapter/speech.py, with speech-rule-engine installed by the setup (npm ci).
"use strict";
const path = require("path");
const sre = require(path.join(process.argv[2], "speech-rule-engine"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", async () => {
  await sre.setupEngine({
    locale: "en", domain: "clearspeak", modality: "speech",
    json: path.join(process.argv[2], "speech-rule-engine", "lib", "mathmaps"),
  });
  await sre.engineReady();
  const speech = JSON.parse(input).map((mathml) => sre.toSpeech(mathml));
  process.stdout.write(JSON.stringify(speech));
});
