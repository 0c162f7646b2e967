/**
 * The service worker (issue 15), served at /sw.js so its scope is the whole shop: shows a pushed
 * "offer near you" as a notification, and a tap on it opens (or focuses) the store's or the
 * livestream's page. The push's payload is the JSON the Worker encrypted
 * (src/push/push-request.ts: title, body, url, tag); the browser decrypted it already.
 *
 * Typed by hand: this project's web scripts compile against the DOM library, not WebWorker's.
 */
interface PushNotice {
  title: string;
  body: string;
  url: string;
  tag: string;
}
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface PushEvent extends ExtendableEvent {
  data: { json(): unknown } | null;
}
interface NotificationEvent extends ExtendableEvent {
  notification: Notification;
}
interface WindowClient {
  url: string;
  focus(): Promise<unknown>;
  navigate(url: string): Promise<unknown>;
}
interface WorkerScope {
  registration: ServiceWorkerRegistration;
  location: Location;
  clients: { matchAll(options: { type: "window" }): Promise<WindowClient[]>; openWindow(url: string): Promise<unknown> };
  addEventListener(type: "push", listener: (event: PushEvent) => void): void;
  addEventListener(type: "notificationclick", listener: (event: NotificationEvent) => void): void;
}

const scope = self as unknown as WorkerScope;

function noticeOf(event: PushEvent): PushNotice | null {
  try {
    const data = event.data?.json() as Partial<PushNotice> | undefined;
    return data && typeof data.title === "string"
      ? { title: data.title, body: String(data.body ?? ""), url: String(data.url ?? "/"), tag: String(data.tag ?? "") }
      : null;
  } catch {
    return null;
  }
}

scope.addEventListener("push", (event) => {
  const notice = noticeOf(event);
  if (!notice) return;
  event.waitUntil(scope.registration.showNotification(notice.title, { body: notice.body, tag: notice.tag, data: { url: notice.url } }));
});

scope.addEventListener("notificationclick", (event) => {
  event.notification.close();
  // Only a path of this shop: a notice's url never sends the shopper to another site.
  const target = new URL(String((event.notification.data as { url?: string } | null)?.url ?? "/"), scope.location.origin);
  const url = target.origin === scope.location.origin ? target.href : scope.location.origin;
  event.waitUntil(
    scope.clients.matchAll({ type: "window" }).then(async (windows) => {
      const open = windows.find((w) => new URL(w.url).origin === scope.location.origin);
      if (open) {
        await open.navigate(url);
        await open.focus();
      } else await scope.clients.openWindow(url);
    }),
  );
});
