import type { ChangeBus, ParameterNews } from '../live/bus.ts';
import type { Fleet, ParameterInfo } from '../state/fleet.ts';
import { checkOverrides, type ParameterMetaOverrides, storedOverrides } from '../state/parameter-meta.ts';
import type { Db } from '../storage/database.ts';

/** The catalogue's display metadata: an admin edits it; every instance hears of it over the bus. */
export class ParameterCatalogue {
  constructor(
    private readonly db: Db,
    private readonly fleet: Fleet,
    private readonly bus: ChangeBus,
  ) {
    bus.onParameters((news) => this.hear(news));
  }

  /** Stores an admin's overrides (null fields: the defaults); answers the parameter, or null when unknown. */
  async update(name: string, overrides: ParameterMetaOverrides): Promise<ParameterInfo | null> {
    const info = this.fleet.parameters.get(name);
    if (!info) return null;
    const checked = checkOverrides(overrides);
    const { count } = await this.db.parameter.updateMany({ where: { name }, data: checked });
    // A parameter in the live catalogue whose row the writer has not stored yet: it is stored in a moment.
    if (count === 0) return null;
    info.overrides = storedOverrides(checked);
    this.bus.publishParameters([{ name, overrides: info.overrides }]);
    return info;
  }

  private hear(news: ParameterNews[]): void {
    for (const n of news) {
      const info = this.fleet.parameters.get(n.name);
      if (info) info.overrides = n.overrides;
    }
  }
}
