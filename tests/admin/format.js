// Runs the CMS's own format code (theme/admin/rumforliv-cms.js) as Decap runs it, for tests/test_admin.py.
//   node format.js roundtrip FILE...   -> JSON list of the files that did not come back byte for byte
//   node format.js write < forms.json  -> JSON list of the texts Decap would save for these form values
//   node format.js files < job.json    -> {settings, dataFiles, paths, titles}: the files the backend
//                                         saves, each path as Decap sees it, and each title's slug
'use strict';
const fs = require('fs');
const path = require('path');
const format = require(path.join(__dirname, '..', '..', 'theme', 'admin', 'rumforliv-cms.js'));

// Decap's Backend.entryToRaw: the data as plain JS (Immutable's toJS), then a newline at the end if missing.
function entryToRaw(data, order) {
  const content = format.toFile(JSON.parse(JSON.stringify(data)), order);
  return content.slice(-1) === '\n' ? content : content + '\n';
}

const [command, ...files] = process.argv.slice(2);
if (command === 'roundtrip') {
  const changed = files.filter((file) => {
    const text = fs.readFileSync(file, 'utf8');
    return entryToRaw(format.fromFile(text, { defaultLang: 'da' }), []) !== text;
  });
  process.stdout.write(JSON.stringify(changed));
} else if (command === 'write') {
  const forms = JSON.parse(fs.readFileSync(0, 'utf8'));
  const out = forms.map(({ data, order, source, collection }) => {
    const start = source === undefined ? {} : format.fromFile(source, { defaultLang: 'da' });
    return { text: entryToRaw({ ...start, ...data }, order || []), problems: format.problems({ ...start, ...data }, collection) };
  });
  process.stdout.write(JSON.stringify(out));
} else if (command === 'files') {
  const { settings, dataFiles, paths, titles } = JSON.parse(fs.readFileSync(0, 'utf8'));
  const seen = format.files(settings);
  const out = {
    saved: format.savedFiles(dataFiles || [], settings),
    forDecap: (paths || []).map(seen.forDecap),
    slugs: (titles || []).map((title) => format.slugify(title, settings.slugSubstitutions)),
  };
  out.back = out.forDecap.map(seen.inGit);
  process.stdout.write(JSON.stringify(out));
} else {
  process.stderr.write('usage: format.js roundtrip FILE... | write < forms.json | files < job.json\n');
  process.exit(2);
}
