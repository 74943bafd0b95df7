import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'handoff:public';
/** Opts a route out of authentication. Only for health probes and the API description. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
