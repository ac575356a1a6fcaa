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
if (city && lead) {
  const filterLeads = () => {
    for (const option of lead.options) {
      if (!option.value) continue;
      option.hidden = option.dataset.city !== city.value;
    }
    if (lead.selectedOptions[0] && lead.selectedOptions[0].hidden) lead.value = "";
  };
  city.addEventListener("change", filterLeads);
  filterLeads();
}

// Pages may add their own behaviour with data-kc-module="name" and a module of that name.
for (const el of document.querySelectorAll("[data-kc-module]")) {
  import(`./js/${el.dataset.kcModule}.js`).then((m) => m.default(el)).catch(() => {});
}
