/**
 * Fills `{{name}}` placeholders in every string of a JSON template. Values are substituted into
 * the parsed JSON, never into its text, so a value with quotes or braces cannot change the
 * body's shape. A placeholder without a value is left as written.
 */
export function renderTemplate(template: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof template === "string") {
    return template.replace(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
  }
  if (Array.isArray(template)) return template.map((item) => renderTemplate(item, values));
  if (template !== null && typeof template === "object") {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, renderTemplate(value, values)]));
  }
  return template;
}
