// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "./dist/govuk-frontend.min.js";

initAll();

// Assignment form: choosing a work area proposes the city that leads it,
// and the policy lead list shows only that city's leads.
const workArea = document.querySelector("[data-kc-work-area]");
const city = document.querySelector("[data-kc-city]");
const lead = document.querySelector("[data-kc-lead]");
if (workArea && city) {
  const leads = JSON.parse(workArea.dataset.kcLeads || "{}");
  workArea.addEventListener("change", () => {
    const proposed = leads[workArea.value];
    if (proposed) {
      city.value = String(proposed);
      city.dispatchEvent(new Event("change"));
    }
  });
}
// The page lists the chosen city's leads; another city's are fetched when the city changes.
if (city && lead && lead.dataset.kcLeadsUrl) {
  const showLeadsOf = async (cityId) => {
    if (!cityId) return;
    const url = lead.dataset.kcLeadsUrl.replace(/\/0\/policy-leads$/, `/${cityId}/policy-leads`);
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const data = await response.json();
    const keep = lead.value;
    for (const option of [...lead.options]) if (option.value) option.remove();
    for (const person of data.policy_leads) {
      const option = new Option(`${person.name} (${data.city.name})`, String(person.id));
      option.dataset.city = String(data.city.id);
      lead.add(option);
    }
    lead.value = [...lead.options].some((o) => o.value === keep) ? keep : "";
  };
  city.addEventListener("change", () => showLeadsOf(city.value));
}

// Pages may add their own behaviour with data-kc-module="name" and a module of that name.
for (const el of document.querySelectorAll("[data-kc-module]")) {
  import(`./js/${el.dataset.kcModule}.js`).then((m) => m.default(el)).catch(() => {});
}
