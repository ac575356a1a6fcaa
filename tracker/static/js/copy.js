// "Copy" buttons beside read-only addresses ([data-kc-copy]). Without JavaScript the address
// can still be selected and copied by hand.
export default function init(container) {
  for (const input of container.querySelectorAll("input[data-kc-copy]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "govuk-button govuk-button--secondary kc-copy-button";
    button.textContent = "Copy";
    const label = document.querySelector(`label[for="${input.id}"]`);
    if (label) button.setAttribute("aria-label", `Copy the address: ${label.textContent.trim()}`);
    const status = document.createElement("span");
    status.className = "govuk-visually-hidden";
    status.setAttribute("role", "status");
    input.after(button, status);
    button.addEventListener("click", async () => {
      input.select();
      let copied = false;
      try {
        await navigator.clipboard.writeText(input.value);
        copied = true;
      } catch {
        copied = document.execCommand && document.execCommand("copy");
      }
      button.textContent = copied ? "Copied" : "Select and copy";
      status.textContent = copied ? "Address copied" : "Could not copy: the address is selected, copy it by hand";
      setTimeout(() => { button.textContent = "Copy"; }, 3000);
    });
  }
}
