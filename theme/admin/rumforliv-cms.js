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
  function problems(data) {
    var found = [];
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

  var api = {
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
    CMS.registerEventListener({
      name: 'preSave',
      handler: function (event) {
        var message = problems(event.entry.get('data').toJS());
        if (message) throw new Error(message);
      },
    });
  }
})(typeof window !== 'undefined' ? window : null);
