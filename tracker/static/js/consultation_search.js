// The engagement form's consultation search without leaving the page. Without JavaScript the
// Search button sends the whole form back and the page returns with the matches to tick; here the
// same request is sent in the background and only the search's part of the page is replaced
// (ticked boxes are sent with it, so they stay ticked), and the result is announced.
export default function init(container) {
  const form = container.closest("form");
  if (!form) return;
  const status = document.createElement("p");
  status.className = "govuk-visually-hidden";
  status.setAttribute("role", "status");
  container.after(status);
  const search = async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    data.set("search", "Search");
    const response = await fetch(form.getAttribute("action") || window.location.pathname, {
      method: "POST", body: data, headers: { Accept: "text/html" },
    }).catch(() => null);
    if (!response || !response.ok) { form.requestSubmit(container.querySelector("[name=search]")); return; }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById(container.id);
    if (!fresh) return;
    container.replaceChildren(...fresh.childNodes);
    const found = container.querySelector("[data-kc-found]");
    status.textContent = found ? found.textContent.trim() : "";
    const first = container.querySelector("input[type=checkbox]:not(:checked)");
    (first || container.querySelector("input[name=find]"))?.focus();
  };
  container.addEventListener("click", (event) => {
    if (event.target.closest("[name=search]")) search(event);
  });
  container.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.name === "find") search(event);
  });
}
