/** What `GET /api/map` answers (src/server/api/map.ts holds its schema). Positions are absolute, in map units. */
import type { Health } from '../../api/types.js';

export interface MapBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface MapDomain extends MapBox {
  id: string;
  /** How many products the domain holds. */
  products: number;
}

export interface MapProduct extends MapBox {
  id: string;
  name: string;
  domain: string;
  owner: { id: string; name: string };
  kind: string;
  health: Health;
}

/** From the product that publishes the ports to the product that reads them. */
export interface MapEdge {
  from: string;
  to: string;
  ports: string[];
}

export interface MeshMap {
  /** The files on disk have errors: this is the last mesh that loaded. */
  broken: boolean;
  layout: { computedAt: string; ms: number };
  domains: MapDomain[];
  products: MapProduct[];
  edges: MapEdge[];
}
