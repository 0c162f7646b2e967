import { VersionedCatalog } from "../kv/versioned-catalog.ts";
import {
  BOARD_SETTINGS_ID,
  BOARD_SETTINGS_PREFIX,
  type BoardSettings,
  boardSettingsHistoryPrefix,
  boardSettingsSchema,
  DEFAULT_BOARD_SETTINGS,
} from "./board-settings.ts";

/**
 * The board's settings document in Workers KV (binding SALES): `adviser-board:settings`, every
 * version at `adviser-board-history:settings:<version, 10 digits>` (src/kv/versioned-catalog.ts).
 * A module of its own: the console's script reads the settings' types, not KV.
 */
export class BoardSettingsCatalog {
  private readonly catalog: VersionedCatalog<BoardSettings>;

  constructor(kv: KVNamespace) {
    this.catalog = new VersionedCatalog(kv, {
      prefix: BOARD_SETTINGS_PREFIX,
      historyPrefix: boardSettingsHistoryPrefix,
      schema: boardSettingsSchema,
    });
  }

  find(id: string = BOARD_SETTINGS_ID): Promise<BoardSettings | null> {
    return this.catalog.find(id);
  }

  /** The settings in force: the stored ones, or the defaults. */
  async current(): Promise<BoardSettings> {
    return (await this.find()) ?? DEFAULT_BOARD_SETTINGS;
  }

  put(settings: BoardSettings): Promise<void> {
    return this.catalog.put(settings.id, settings);
  }

  history(id: string, limit: number): Promise<BoardSettings[]> {
    return this.catalog.history(id, limit);
  }
}
