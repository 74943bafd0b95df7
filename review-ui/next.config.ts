import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Shared zod contracts will come from the graphs workspace once the review inbox lands.
  transpilePackages: ['@handoff/graphs'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
