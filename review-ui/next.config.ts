import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The HTTP contracts (zod schemas) come from the contracts workspace, shared with the backend.
  transpilePackages: ['@handoff/contracts'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
