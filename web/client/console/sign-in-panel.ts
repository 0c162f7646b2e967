import { byId } from "./dom.ts";

/** What the two ways of signing in do; each settles once the console is in, or the panel shows why not. */
export interface SignInWays {
  password(email: string, password: string): Promise<void>;
  token(token: string, actor: string): Promise<void>;
}

/**
 * The sign-in panel (markup in workers/storefront/admin/console.ts): email and password
 * first, the way staff sign in, and folded away below it "sign in with a token", the
 * break-glass ADMIN_TOKEN or an API key. One problem line serves both.
 */
export class SignInPanel {
  private readonly root = byId("sign-in");
  private readonly problem = byId("sign-in-problem");
  private readonly passwordForm = byId("password-sign-in", HTMLFormElement);
  private readonly tokenWay = byId("token-way", HTMLDetailsElement);
  private readonly tokenForm = byId("token-sign-in", HTMLFormElement);

  constructor(ways: SignInWays) {
    this.onSubmit(this.passwordForm, (data) => ways.password(text(data, "email").trim(), text(data, "password")));
    this.onSubmit(this.tokenForm, (data) => ways.token(text(data, "token").trim(), text(data, "actor").trim()));
  }

  /** Shows the panel with why (empty: no problem). `offerToken` unfolds the token way, when it is the one left. */
  show(problem: string, { offerToken = false } = {}): void {
    this.root.hidden = false;
    this.problem.textContent = problem;
    this.problem.hidden = !problem;
    if (offerToken) this.tokenWay.open = true;
  }

  hide(): void {
    this.root.hidden = true;
    // Nothing typed lingers in a hidden form: after signing out, the next person starts empty.
    this.passwordForm.reset();
    this.tokenForm.reset();
  }

  /** A form's submission, its button disabled until the answer, so one click is one attempt. */
  private onSubmit(form: HTMLFormElement, submit: (data: FormData) => Promise<void>): void {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      if (button instanceof HTMLButtonElement) button.disabled = true;
      this.problem.hidden = true;
      void submit(new FormData(form)).finally(() => {
        if (button instanceof HTMLButtonElement) button.disabled = false;
      });
    });
  }
}

const text = (data: FormData, name: string): string => {
  const value = data.get(name);
  return typeof value === "string" ? value : "";
};
