// Reusing past responses in the draft editor. Without JavaScript the search form opens the search
// page, whose "Insert" buttons save a new version. Here the results are shown beside the editor and
// "Insert" puts the quotation (written by the server, with its source) into the text being written,
// at the cursor of the last box used; nothing is saved until the writer saves. Results are drawn
// with textContent only: nothing from the library is read as HTML.
export default function init(section) {
  const form = section.querySelector("[data-kc-reuse-form]");
  const results = section.querySelector("[data-kc-reuse-results]");
  const status = section.querySelector("[data-kc-reuse-status]");
  const boxes = [...document.querySelectorAll("textarea[data-kc-preview-source]")];
  if (!form || !results || !boxes.length) return;
  for (const note of section.querySelectorAll("[data-kc-reuse-nojs]")) note.hidden = true;
  // The box the writer was last in, and whether its cursor says where: otherwise the passage goes at the end.
  let target = boxes[0];
  let cursorKnown = false;
  for (const box of boxes) box.addEventListener("focus", () => { target = box; cursorKnown = true; });

  const labelOf = (box) => {
    const label = document.querySelector(`label[for="${box.id}"]`);
    return label ? label.textContent.trim() : "the draft";
  };

  const insert = (text) => {
    const value = target.value;
    const at = cursorKnown && typeof target.selectionStart === "number" ? target.selectionStart : value.length;
    const before = value.slice(0, at).replace(/\s+$/, "");
    const after = value.slice(at).replace(/^\s+/, "");
    const joined = (before ? `${before}\n\n` : "") + text + (after ? `\n\n${after}` : "\n");
    target.value = joined;
    const caret = (before ? before.length + 2 : 0) + text.length;
    target.focus();
    target.setSelectionRange(caret, caret);
    target.dispatchEvent(new Event("input", { bubbles: true }));
    status.textContent = `Inserted into ${labelOf(target)}. Save the version to keep it.`;
  };

  const element = (tag, className, text) => {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  };

  const show = (data) => {
    results.replaceChildren();
    if (!data.results.length) {
      status.textContent = `No submitted response matches “${data.q}”.`;
      return;
    }
    status.textContent = `${data.results.length} response${data.results.length === 1 ? "" : "s"} found for “${data.q}”.`;
    for (const found of data.results) {
      const item = element("div", "kc-reuse-result");
      const heading = element("h3", "govuk-heading-s");
      const link = element("a", "govuk-link", found.title);
      link.href = found.url;
      heading.append(link);
      item.append(heading, element("p", "govuk-body-s kc-meta", `Submitted ${found.submitted}`));
      for (const passage of found.passages) {
        const block = element("div", "kc-reuse-passage");
        if (passage.where) block.append(element("p", "govuk-body-s kc-meta govuk-!-margin-bottom-1", passage.where));
        block.append(element("blockquote", "govuk-inset-text govuk-!-margin-top-0", passage.text));
        const button = element("button", "govuk-button govuk-button--secondary", "Insert into the draft");
        button.type = "button";
        button.append(element("span", "govuk-visually-hidden", ` this passage from “${found.title}”`));
        button.addEventListener("click", () => insert(passage.quote));
        block.append(button);
        item.append(block);
      }
      results.append(item);
    }
  };

  form.addEventListener("submit", async (event) => {
    const q = new FormData(form).get("q") || "";
    if (!String(q).trim()) return; // the search page says what to enter
    event.preventDefault();
    status.textContent = "Searching…";
    try {
      const url = new URL(form.action, window.location.href);
      url.searchParams.set("q", q);
      url.searchParams.set("format", "json");
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      const data = await response.json();
      if (!response.ok) {
        status.textContent = data.error || "The search did not work: try again.";
        return;
      }
      show(data);
    } catch {
      status.textContent = "The search did not work: try again, or open the search page.";
    }
  });
}
