// Live preview for the draft editor. The server renders and sanitises (the same
// function as saved versions); without JavaScript the "Preview" button does the same.
export default function init(form) {
  const url = form.dataset.kcPreviewUrl;
  const token = form.querySelector("input[name=csrf_token]");
  if (!url) return;
  for (const source of form.querySelectorAll("[data-kc-preview-source]")) {
    const target = form.querySelector(`[data-kc-preview-target="${source.dataset.kcPreviewSource}"]`);
    if (!target) continue;
    let timer = null;
    let last = null;
    const update = async () => {
      const text = source.value;
      if (text === last) return;
      last = text;
      if (!text.trim()) {
        target.hidden = true;
        target.replaceChildren();
        return;
      }
      const body = new URLSearchParams({ text });
      if (token) body.set("csrf_token", token.value);
      try {
        const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
        if (!response.ok) return;
        // Sanitised HTML from the server's one Markdown renderer (markdown-it-py + nh3).
        target.innerHTML = await response.text();
        target.hidden = false;
      } catch {
        // The preview is a convenience: typing and saving still work.
      }
    };
    source.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
  }
}
