// Where a {{variable}} sits in a template's html, as the HTML tokenizer (HTML
// Living Standard, 13.2.5) would read it. The variable's value is HTML-escaped
// (& < > " '), which makes it inert in text and in a quoted attribute value,
// and nowhere else:
// - an unquoted attribute value ends at whitespace, which is not escaped, so a
//   value can add attributes (alt={{n}}, n = "x onerror=alert(1)");
// - in a tag or attribute name it writes the name;
// - event handler (on*) and style attributes, and script and style elements,
//   are JavaScript and CSS, where quotes written as entities are decoded first;
// - a URL attribute (href, src, action, formaction...) runs a javascript: or
//   data: URL however it is escaped.
// The first three are refused when the template is saved. A quoted URL
// attribute is allowed, and checked when a message is rendered: the value
// must then be an absolute http or https URL (urlAttributeProblem).
// A deliberately small tokenizer: tags, quoted and unquoted attribute
// values, comments, and the raw text of script and style.

/** The html's URL attributes that hold a placeholder: their name and raw (still escaped) value. */
export interface UrlAttribute {
  name: string;
  value: string;
}

export interface HtmlContexts {
  /** Why the html cannot be a template body, or null. */
  problem: string | null;
  urlAttributes: UrlAttribute[];
}

// Same placeholder syntax as templates ({{ name }}); normalized to {{name}}
// first, so that a placeholder is one token without whitespace.
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]{1,64})\s*\}\}/g;
const FIRST_PLACEHOLDER = /\{\{([A-Za-z0-9_]{1,64})\}\}/;

// Attributes whose value is one URL (HTML, SVG and legacy ones email clients still honour).
const URL_ATTRIBUTES = new Set([
  "href",
  "src",
  "action",
  "formaction",
  "cite",
  "data",
  "poster",
  "background",
  "longdesc",
  "manifest",
  "codebase",
  "classid",
  "usemap",
  "lowsrc",
  "dynsrc",
  "profile",
  "icon",
  "xlink:href",
]);
// Attributes whose value is a list of URLs: a placeholder in them is refused.
const URL_LIST_ATTRIBUTES = new Set(["srcset", "imagesrcset", "ping", "archive"]);
const RAW_TEXT_ELEMENTS = new Set(["script", "style"]);

const TAG_OPEN = /<(\/?)([A-Za-z][^\s/>]*)?/y;
const WHITESPACE_OR_SLASH = /[\s/]*/y;
const WHITESPACE = /\s*/y;
const ATTRIBUTE_NAME = /[^\s/>=]+/y;
const UNQUOTED_VALUE = /[^\s>]*/y;

function match(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

const placeholderIn = (text: string) => FIRST_PLACEHOLDER.exec(text)?.[0];

/** The contexts of the html's placeholders: a problem if any is where escaping cannot protect it. */
export function htmlContexts(html: string): HtmlContexts {
  const text = html.replace(PLACEHOLDER, "{{$1}}");
  const urlAttributes: UrlAttribute[] = [];
  const refuse = (placeholder: string, where: string): HtmlContexts => ({
    problem: `the placeholder ${placeholder} is ${where}, where HTML escaping does not protect it`,
    urlAttributes,
  });
  let at = 0;
  while (at < text.length) {
    const lt = text.indexOf("<", at);
    if (lt < 0) break;
    if (text.startsWith("<!--", lt)) {
      const end = text.indexOf("-->", lt + 4);
      at = end < 0 ? text.length : end + 3;
      continue;
    }
    const open = match(TAG_OPEN, text, lt)!;
    const [, slash, tagName] = open;
    if (!tagName) {
      // "<{{tag}}" would let the value name the tag; any other "<" that opens no tag is text.
      if (text.startsWith("{{", lt + open[0].length)) return refuse(placeholderIn(text.slice(lt))!, "in a tag name (right after <)");
      at = lt + 1;
      continue;
    }
    const inName = placeholderIn(tagName);
    if (inName) return refuse(inName, `in the tag name <${slash}${tagName}>`);
    at = lt + open[0].length;
    // Attributes, until the tag's ">".
    while (at < text.length) {
      at = match(WHITESPACE_OR_SLASH, text, at)![0].length + at;
      if (at >= text.length || text[at] === ">") {
        at++;
        break;
      }
      const nameMatch = match(ATTRIBUTE_NAME, text, at);
      if (!nameMatch) {
        at++; // A stray "=": the tokenizer starts an attribute name with it.
        continue;
      }
      const name = nameMatch[0];
      at += name.length;
      const inAttributeName = placeholderIn(name);
      if (inAttributeName) return refuse(inAttributeName, `in the attribute name ${name}`);
      at += match(WHITESPACE, text, at)![0].length;
      if (text[at] !== "=") continue;
      at++;
      at += match(WHITESPACE, text, at)![0].length;
      const quote = text[at];
      let value: string;
      if (quote === '"' || quote === "'") {
        const end = text.indexOf(quote, at + 1);
        value = text.slice(at + 1, end < 0 ? text.length : end);
        at = end < 0 ? text.length : end + 1;
      } else {
        value = match(UNQUOTED_VALUE, text, at)![0];
        at += value.length;
        const unquoted = placeholderIn(value);
        if (unquoted) return refuse(unquoted, `in the unquoted value of ${name}; quote it: ${name}="${value}"`);
        continue;
      }
      const placeholder = placeholderIn(value);
      if (!placeholder) continue;
      const attribute = name.toLowerCase();
      if (attribute.startsWith("on")) return refuse(placeholder, `in the event handler ${name} (JavaScript)`);
      if (attribute === "style") return refuse(placeholder, `in a style attribute (CSS)`);
      if (URL_LIST_ATTRIBUTES.has(attribute)) return refuse(placeholder, `in ${name}, a list of URLs`);
      if (URL_ATTRIBUTES.has(attribute)) urlAttributes.push({ name: attribute, value });
    }
    const element = tagName.toLowerCase();
    if (!slash && RAW_TEXT_ELEMENTS.has(element)) {
      const end = text.toLowerCase().indexOf(`</${element}`, at);
      const content = text.slice(at, end < 0 ? text.length : end);
      const inRawText = placeholderIn(content);
      if (inRawText) return refuse(inRawText, `inside a <${element}> element`);
      at = end < 0 ? text.length : end;
    }
  }
  return { problem: null, urlAttributes };
}

/**
 * Why this URL attribute, with these variables, does not render to an http(s)
 * URL, naming its first variable; or null. The value is taken as a browser
 * reads it: the template's own character references decoded, the variables as
 * given (their escaping round-trips), whitespace and controls around it and
 * tabs and newlines inside it dropped, as the URL parser drops them.
 */
export function urlAttributeProblem(attribute: UrlAttribute, variables: Record<string, string>): { variable: string; message: string } | null {
  const parts = attribute.value.split(/\{\{([A-Za-z0-9_]{1,64})\}\}/);
  const value = parts.map((part, i) => (i % 2 === 1 ? (variables[part] ?? "") : decodeCharacterReferences(part))).join("");
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // Relative, or no URL at all: not an http(s) URL either way.
  }
  if (url && (url.protocol === "https:" || url.protocol === "http:")) return null;
  return { variable: parts[1]!, message: `it fills the ${attribute.name} attribute of the email html, which must then be an absolute http or https URL` };
}

const NAMED_REFERENCES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  colon: ":",
  tab: "\t",
  newline: "\n",
  sol: "/",
  period: ".",
};

function decodeCharacterReferences(text: string): string {
  return text.replace(/&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([A-Za-z]{2,8}));?/g, (whole, hex?: string, decimal?: string, name?: string) => {
    if (name !== undefined) return NAMED_REFERENCES[name.toLowerCase()] ?? whole;
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(decimal);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
  });
}
