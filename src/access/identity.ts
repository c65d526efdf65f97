/**
 * Who is asking. Every request to the server, every consumer query and every model
 * build acts as one identity; the access decision is a function of it.
 */
export type Identity =
  /** The platform admin: the token `tessera serve` writes for its own user, or one made with --admin. */
  | { readonly kind: 'admin'; readonly name: string }
  /** A person, by e-mail; `teams` are the teams.yaml teams that list the e-mail as a member. */
  | { readonly kind: 'member'; readonly email: string; readonly teams: readonly string[] }
  /** A machine consumer (a BI tool, a job): reads public ports and what it was granted by name. */
  | { readonly kind: 'service'; readonly name: string }
  /** A product's models, reading other products' ports while it is built. */
  | { readonly kind: 'product'; readonly product: string; readonly team: string };

/** How an identity is named in grants, tokens and the audit log: `admin:…`, the e-mail, `service:…`, `product:…`. */
export function subjectOf(identity: Identity): string {
  switch (identity.kind) {
    case 'admin':
      return `admin:${identity.name}`;
    case 'member':
      return identity.email;
    case 'service':
      return `service:${identity.name}`;
    case 'product':
      return `product:${identity.product}`;
  }
}

/** The teams an identity acts for. */
export function teamsOf(identity: Identity): readonly string[] {
  switch (identity.kind) {
    case 'member':
      return identity.teams;
    case 'product':
      return [identity.team];
    default:
      return [];
  }
}

/** A short label for people: the e-mail, the service's name, `admin`. */
export function labelOf(identity: Identity): string {
  switch (identity.kind) {
    case 'admin':
      return 'admin';
    case 'member':
      return identity.email;
    case 'service':
      return identity.name;
    case 'product':
      return identity.product;
  }
}
