/**
 * The invoice the shopper chose in the pay form (issue 16; workers/storefront/pages/invoice-choice.ts):
 * "electronic" earns the order double points; anything else is paper, the API's default.
 */
export function chosenInvoice(): "paper" | "electronic" {
  const checked = document.querySelector<HTMLInputElement>('#invoice-choice input[name="invoice"]:checked');
  return checked?.value === "electronic" ? "electronic" : "paper";
}
