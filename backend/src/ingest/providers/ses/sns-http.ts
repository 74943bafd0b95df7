import { Injectable } from '@nestjs/common';

/** The only network calls SNS handling makes, behind a port so tests never reach the network. */
@Injectable()
export class SnsHttp {
  private readonly certificates = new Map<string, Promise<string>>();

  /** Certificates are cached by URL: SNS rotates them by publishing a new URL. */
  certificate(url: string): Promise<string> {
    let pem = this.certificates.get(url);
    if (!pem) {
      pem = this.get(url);
      pem.catch(() => this.certificates.delete(url));
      this.certificates.set(url, pem);
    }
    return pem;
  }

  async confirmSubscription(url: string): Promise<void> {
    await this.get(url);
  }

  protected async get(url: string): Promise<string> {
    const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
    return response.text();
  }
}
