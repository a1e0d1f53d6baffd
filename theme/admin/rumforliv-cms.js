/*
 * Rum for Liv in Decap CMS: the project's file format ("Key: value" header lines, one blank line, the
 * Markdown body; see docs/redaktoer.md) as a Decap custom format, and the checks Decap's fields cannot
 * express (an image needs its alt text).
 *
 * Opening and saving a file without changes gives back the very same bytes: the format keeps the text it
 * read (data._source) and writes every field whose value did not change exactly as it was written, with
 * its key's spelling, its place and its continuation lines. Changed fields keep their place; new fields
 * follow in the form's order. Data keys that start with "_" belong to the form and are never written.
 *
 * A weekly Repeat is shown as form fields (_days, _every, _until) and written back as an RFC 5545 rule;
 * any other rule stays as text in the field "repeat".
 *
 * An all-day activity (the form's "_allday" box) is written with dates only: "Start: 2013-07-01" and its
 * inclusive last day "End: 2013-07-03", as the content format says; a file so written opens with the box
 * ticked.
 *
 * Translations are edited beside the Danish text (Decap's i18n, structure multiple_files), yet stored as
 * the content format says: the Danish file is "name.md", not Decap's "name.da.md", and its translation
 * "name.ar.md" carries "Lang: ar" and the Danish text's Slug. Decap has no option to leave the default
 * language out of a file name, so every backend is wrapped: the Danish files' paths are renamed between
 * the two forms where Decap meets the git host (files(): real <-> Decap's), and a translation is only
 * written once it has a title (Decap would otherwise save an empty file for every language).
 *
 * The same file runs in Node (module.exports), so the tests run this very code over every content file.
 */
(function (root) {
  'use strict';

  var KEY_LINE = /^([A-Za-zÆØÅæøå][A-Za-zÆØÅæøå0-9_-]*)[ \t]*:(.*)$/;
  var LIST_KEYS = ['estate', 'audience', 'tags', 'except', 'cancelled', 'partners'];
  var WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
  var DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

  /* The header's fields in order, each with its raw lines, and where the body starts. */
  function split(text) {
    var lines = text.split('\n');
    var fields = [];
    var last = null;
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i].replace(/\t/g, ' ');
      if (!line.trim()) {
        return { fields: fields, blank: lines[i], body: lines.slice(i + 1).join('\n'), complete: true };
      }
      var match = KEY_LINE.exec(line);
      if (match) {
        last = { key: match[1], lower: match[1].toLowerCase(), value: match[2].trim(), raw: [lines[i]] };
        fields.push(last);
      } else if (line.charAt(0) === ' ' && last) {
        last.value = (last.value + ' ' + line.trim()).trim();
        last.raw.push(lines[i]);
      } else {
        // Not our format (tjek names the line): keep the rest as body, so nothing is lost.
        return { fields: fields, blank: null, body: lines.slice(i).join('\n'), complete: false };
      }
    }
    return { fields: fields, blank: null, body: '', complete: true };
  }

  function listOf(value) {
    return value
      .split(',')
      .map(function (item) {
        return item.trim();
      })
      .filter(Boolean);
  }

  /* A header value as the form holds it. */
  function typed(lower, value) {
    if (LIST_KEYS.indexOf(lower) >= 0) return listOf(value);
    if (lower === 'moved') {
      return listOf(value).map(function (item) {
        var parts = item.split('->');
        return { from: parts[0].trim(), to: (parts[1] || '').trim() };
      });
    }
    return value;
  }

  /* A form value as the header writes it; '' for none. */
  function written(lower, value) {
    if (value === undefined || value === null) return '';
    if (lower === 'moved' && Array.isArray(value)) {
      return value
        .filter(function (move) {
          return move && move.from;
        })
        .map(function (move) {
          return move.to ? move.from + ' -> ' + move.to : move.from;
        })
        .join(', ');
    }
    if (Array.isArray(value)) return value.filter(Boolean).join(', ');
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    return String(value).trim();
  }

  /* FREQ=WEEKLY;[INTERVAL=n;]BYDAY=MO,WE[;UNTIL=yyyymmdd] -> form values; null for any other rule. */
  function weeklyRule(rule) {
    var parts = {};
    var ok = rule.split(';').every(function (part) {
      var pair = part.split('=');
      if (pair.length !== 2) return false;
      parts[pair[0].trim().toUpperCase()] = pair[1].trim().toUpperCase();
      return true;
    });
    var known = ['FREQ', 'INTERVAL', 'BYDAY', 'UNTIL'];
    if (!ok || parts.FREQ !== 'WEEKLY' || !parts.BYDAY) return null;
    if (Object.keys(parts).some((name) => known.indexOf(name) < 0)) return null;
    var days = parts.BYDAY.split(',');
    if (days.some((day) => WEEKDAYS.indexOf(day) < 0)) return null;
    if (parts.INTERVAL && !/^[1-9][0-9]*$/.test(parts.INTERVAL)) return null;
    if (parts.UNTIL && !/^\d{8}$/.test(parts.UNTIL)) return null;
    var until = parts.UNTIL
      ? parts.UNTIL.slice(0, 4) + '-' + parts.UNTIL.slice(4, 6) + '-' + parts.UNTIL.slice(6, 8)
      : '';
    return { _days: days, _every: parts.INTERVAL ? Number(parts.INTERVAL) : 1, _until: until };
  }

  function composeRule(form) {
    var days = (form._days || []).slice().sort(function (a, b) {
      return WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b);
    });
    if (!days.length) return '';
    var every = Number(form._every || 1);
    var rule = 'FREQ=WEEKLY' + (every > 1 ? ';INTERVAL=' + every : '') + ';BYDAY=' + days.join(',');
    var until = written('_until', form._until).slice(0, 10);
    return until ? rule + ';UNTIL=' + until.replace(/-/g, '') : rule;
  }

  /* The rule the data stands for: the form's weekly fields, or else the rule written as text. */
  function ruleOf(data) {
    return composeRule(data) || written('repeat', data.repeat);
  }

  function sameRule(a, b) {
    var weeklyA = weeklyRule(a);
    var weeklyB = weeklyRule(b);
    if (weeklyA && weeklyB) return composeRule(weeklyA) === composeRule(weeklyB);
    return a.trim() === b.trim();
  }

  function fromFile(text, options) {
    var defaultLang = (options && options.defaultLang) || 'da';
    var parsed = split(text);
    var data = { _source: text };
    parsed.fields.forEach(function (field) {
      if (!(field.lower in data)) data[field.lower] = typed(field.lower, field.value);
    });
    if (data.repeat) {
      var weekly = weeklyRule(data.repeat);
      if (weekly) {
        Object.assign(data, weekly);
        delete data.repeat;
      }
    }
    if (typeof data.start === 'string' && DATE_ONLY.test(data.start)) data._allday = true;
    data.body = parsed.body;
    data._translation = !!data.lang && data.lang.toLowerCase() !== defaultLang;
    data._dated = 'date' in data; // an issue's index.md has a Date, its sections do not
    return data;
  }

  /* Every field the data writes, by lower-case key, as header text. */
  function values(data) {
    var out = {};
    Object.keys(data).forEach(function (key) {
      if (key.charAt(0) === '_' || key === 'body' || key === 'repeat') return;
      var text = written(key, data[key]);
      if (text) out[key.toLowerCase()] = text;
    });
    var rule = ruleOf(data);
    if (rule) out.repeat = rule;
    if (data._allday) {
      ['start', 'end'].forEach(function (key) {
        if (out[key]) out[key] = out[key].slice(0, 10); // the date the picker shows, without its time
      });
    }
    return out;
  }

  function keyName(lower) {
    return lower
      .split('-')
      .map(function (word) {
        return word.charAt(0).toUpperCase() + word.slice(1);
      })
      .join('-');
  }

  function unchanged(field, text) {
    if (field.lower === 'repeat') return sameRule(field.value, text);
    return JSON.stringify(typed(field.lower, field.value)) === JSON.stringify(typed(field.lower, text));
  }

  function toFile(data, sortedKeys) {
    var source = typeof data._source === 'string' ? split(data._source) : { fields: [], blank: null };
    var fields = values(data);
    var lines = [];
    var done = {};
    source.fields.forEach(function (field) {
      if (done[field.lower]) return; // a key written twice (tjek names it): the first one counts
      done[field.lower] = true;
      if (!(field.lower in fields)) return;
      var text = fields[field.lower];
      if (unchanged(field, text)) lines = lines.concat(field.raw);
      else lines.push(field.key + ': ' + text);
    });
    var order = (sortedKeys || []).map(function (key) {
      return key === '_days' ? 'repeat' : key.toLowerCase();
    });
    Object.keys(fields)
      .filter(function (key) {
        return !done[key];
      })
      .sort(function (a, b) {
        var ia = order.indexOf(a) < 0 ? order.length : order.indexOf(a);
        var ib = order.indexOf(b) < 0 ? order.length : order.indexOf(b);
        return ia - ib || (a < b ? -1 : a > b ? 1 : 0);
      })
      .forEach(function (key) {
        lines.push(keyName(key) + ': ' + fields[key]);
      });
    var body = typeof data.body === 'string' ? data.body : '';
    var blank = source.blank === null || source.blank === undefined ? '' : source.blank;
    var text = lines.join('\n') + '\n' + blank + '\n' + body;
    return text.slice(-1) === '\n' ? text : text + '\n';
  }

  /* Checks Decap's fields cannot make: a Danish message, or '' when the entry may be saved. */
  function problems(data, collection) {
    var found = [];
    var naming = { nyhedsbreve: ['_issue'], afsnit: ['_issue', '_number'] }[collection] || [];
    if (typeof data._source !== 'string' && naming.some((key) => !written(key, data[key]))) {
      found.push(
        collection === 'afsnit'
          ? 'Et nyt afsnit skal have en udgave (fx 2013-3) og et nummer (fx 50): så ved bladet, hvor det står.'
          : 'Et nyt nyhedsbrev skal have en udgave, fx 2013-3: det bliver mappens navn.',
      );
    }
    if (written('image', data.image) && !written('image-alt', data['image-alt'])) {
      found.push(
        'Et billede skal have en billedtekst til blinde læsere: udfyld "Billedtekst (Image-Alt)", før du gemmer.',
      );
    }
    if (data._until && !composeRule(data)) {
      found.push('Du har valgt "Gentag indtil", men ingen ugedage. Vælg mindst én ugedag, eller slet datoen.');
    }
    var start = written('start', data.start);
    if (data._allday === false && DATE_ONLY.test(start)) {
      found.push('Skriv et klokkeslæt i "Første gang (Start)", eller sæt flueben i "Hele dagen".');
    }
    return found.join(' ');
  }


  /* --- Translations beside the Danish text ------------------------------------------------------- */

  /* Pelican's slugify with the site's SLUG_REGEX_SUBSTITUTIONS ([pattern, replacement] pairs, written for
     Python's re; those the project uses mean the same in JavaScript once \A, \Z and (?u) are spelled so). */
  function slugify(text, substitutions) {
    var value = String(text || '')
      .toLowerCase()
      .replace(/<[^>]*>/g, '')
      .normalize('NFKC');
    (substitutions || []).forEach(function (pair) {
      var pattern = pair[0].replace('(?u)', '').replace('\\A', '^').replace('\\Z', '$');
      value = value.replace(new RegExp(pattern.normalize('NFKC'), 'gi'), pair[1].normalize('NFKC'));
    });
    return value.toLowerCase().trim();
  }

  /* The mapping between the files in git and the paths Decap's i18n expects. */
  function files(settings) {
    var folders = settings.translatedFolders || [];
    var languages = settings.languages || [];
    var danish = settings.defaultLang || 'da';
    function translated(path) {
      return folders.indexOf(path.slice(0, path.lastIndexOf('/'))) >= 0 && /\.md$/.test(path);
    }
    function language(path) {
      var match = /\.([a-z]{2,3})\.md$/.exec(path);
      return match && languages.indexOf(match[1]) >= 0 ? match[1] : null;
    }
    return {
      language: language,
      forDecap: function (path) {
        return translated(path) && !language(path) ? path.slice(0, -3) + '.' + danish + '.md' : path;
      },
      inGit: function (path) {
        return translated(path) && language(path) === danish ? path.slice(0, -(danish.length + 4)) + '.md' : path;
      },
      isDanish: function (path) {
        return translated(path) && !language(path);
      },
    };
  }

  /* Slug and Lang put right after the title, as the project's translations have them, when missing. */
  function withLanguage(raw, lang, slug) {
    var data = fromFile(raw);
    if (data.lang && data.lang !== lang) {
      data.lang = lang;
      raw = toFile(data);
    }
    var missing = [];
    if (!data.slug && slug) missing.push('Slug: ' + slug);
    if (!data.lang) missing.push('Lang: ' + lang);
    if (!missing.length) return raw;
    var parsed = split(raw);
    var at = 0;
    for (var i = 0; i < parsed.fields.length; i++) {
      at += parsed.fields[i].raw.length;
      if (parsed.fields[i].lower === 'title') break;
    }
    var lines = raw.split('\n');
    return lines.slice(0, at).concat(missing, lines.slice(at)).join('\n');
  }

  var OWN = ['body', 'lang', 'slug', '_source', '_translation', '_dated'];

  /* A translation as the content format has it: its own words (the translated fields and the text), every
     other field the Danish text's (times, dates, cancellations: the site and the feeds require them to be
     the same), the Danish text's Slug and its own Lang. '' when it has no title yet: nothing translated.
     A new translation takes the Danish file's lines, so the two read alike. */
  function translationText(raw, danishRaw, lang, slug, settings) {
    var own = fromFile(raw);
    if (!written('title', own.title)) return '';
    var danish = fromFile(danishRaw);
    var words = settings.translatedFields || [];
    var data = { _source: own.lang ? raw : danishRaw, body: own.body };
    Object.keys(danish).forEach(function (key) {
      if (OWN.indexOf(key) < 0 && words.indexOf(key) < 0) data[key] = danish[key];
    });
    words.forEach(function (key) {
      if (key in own) data[key] = own[key];
    });
    // A picture needs its description: the Danish one, until someone translates it.
    if (!written('image-alt', data['image-alt']) && data.image) data['image-alt'] = danish['image-alt'];
    data.slug = own.slug || danish.slug;
    if (own.lang) data.lang = lang;
    return withLanguage(toFile(data), lang, slug);
  }

  /* The files Decap saves, as the content format has them: the Danish file's name without ".da",
     translations with Lang and Slug, and no file for a language nobody has written in. */
  function savedFiles(dataFiles, settings) {
    var paths = files(settings);
    var danish = dataFiles.filter(function (file) {
      return paths.isDanish(paths.inGit(file.path));
    })[0];
    var data = danish ? fromFile(danish.raw) : {};
    var slug = written('slug', data.slug) || slugify(data.title, settings.slugSubstitutions);
    return dataFiles
      .map(function (file) {
        var path = paths.inGit(file.path);
        var lang = paths.language(path);
        var out = Object.assign({}, file, { path: path });
        if (file.newPath) out.newPath = paths.inGit(file.newPath);
        if (danish && lang && lang !== (settings.defaultLang || 'da')) {
          out.raw = translationText(file.raw, danish.raw, lang, slug, settings);
        }
        return out;
      })
      .filter(function (file) {
        return file.raw;
      });
  }

  /* A Decap backend whose files are seen through files(): the rest of Decap never knows. */
  function withContractPaths(backend, settings) {
    var paths = files(settings);
    function entryOut(entry) {
      return entry && entry.file
        ? Object.assign({}, entry, { file: Object.assign({}, entry.file, { path: paths.forDecap(entry.file.path) }) })
        : entry;
    }
    function entriesOut(entries) {
      return (entries || []).map(entryOut);
    }
    var renamed = {
      entriesByFolder: function (folder, extension, depth) {
        return Promise.resolve(backend.entriesByFolder(folder, extension, depth)).then(entriesOut);
      },
      allEntriesByFolder: function (folder, extension, depth, pathRegex) {
        return Promise.resolve(backend.allEntriesByFolder(folder, extension, depth, pathRegex)).then(entriesOut);
      },
      entriesByFiles: function (list) {
        var inGit = list.map(function (file) {
          return Object.assign({}, file, { path: paths.inGit(file.path) });
        });
        return Promise.resolve(backend.entriesByFiles(inGit)).then(entriesOut);
      },
      getEntry: function (path) {
        return Promise.resolve(backend.getEntry(paths.inGit(path))).then(entryOut);
      },
      unpublishedEntry: function (which) {
        return Promise.resolve(backend.unpublishedEntry(which)).then(function (entry) {
          var diffs = (entry.diffs || []).map(function (diff) {
            return Object.assign({}, diff, { path: paths.forDecap(diff.path) });
          });
          return Object.assign({}, entry, { diffs: diffs });
        });
      },
      unpublishedEntryDataFile: function (collection, slug, path, id) {
        return backend.unpublishedEntryDataFile(collection, slug, paths.inGit(path), id);
      },
      persistEntry: function (entry, options) {
        var dataFiles = savedFiles(entry.dataFiles, settings);
        return backend.persistEntry(Object.assign({}, entry, { dataFiles: dataFiles }), options);
      },
      deleteFiles: function (list, message) {
        return backend.deleteFiles(list.map(paths.inGit), message);
      },
    };
    return new Proxy(backend, {
      get: function (target, name) {
        if (Object.prototype.hasOwnProperty.call(renamed, name) && typeof target[name] === 'function') {
          return renamed[name];
        }
        var value = target[name];
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  var api = {
    slugify: slugify,
    files: files,
    savedFiles: savedFiles,
    fromFile: fromFile,
    toFile: toFile,
    problems: problems,
    weeklyRule: weeklyRule,
    composeRule: composeRule,
  };

  if (typeof module !== 'undefined' && module.exports) module.exports = api;

  var CMS = root && root.CMS;
  if (CMS) {
    var settings = root.RUMFORLIV || {};
    CMS.registerCustomFormat('rumforliv', 'md', {
      fromFile: function (text) {
        return fromFile(text, settings);
      },
      toFile: toFile,
    });
    // Decap picks the backend by name when it starts (the local decap-server is "proxy"): wrap them all.
    ['proxy', 'gitlab', 'github', 'gitea', 'forgejo'].forEach(function (name) {
      var registered = CMS.getBackend && CMS.getBackend(name);
      if (!registered || registered.rumforliv) return;
      var init = registered.init;
      registered.init = function () {
        return withContractPaths(init.apply(null, arguments), settings);
      };
      registered.rumforliv = true;
    });
    CMS.registerEventListener({
      name: 'preSave',
      handler: function (event) {
        var message = problems(event.entry.get('data').toJS(), event.entry.get('collection'));
        if (message) throw new Error(message);
      },
    });
  }
})(typeof window !== 'undefined' ? window : null);
