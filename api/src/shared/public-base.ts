/**
 * Where links in emails point: PUBLIC_URL, else the address this process listens on (set at
 * start). Never the request's Host header, which a caller could forge into a reset link.
 */
export class PublicBase {
  constructor(public url: string = 'http://localhost:3000') {}

  link(path: string): string {
    return `${this.url.replace(/\/$/, '')}${path}`;
  }
}
