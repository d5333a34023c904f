import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CHECKPOINT_SIGNER, type CheckpointSigner } from './checkpoint.js';

/** Makes the checkpoint signer, loaded before the application is built (see `loadCheckpointSigner`), injectable. */
@Global()
@Module({})
export class IntegrityModule {
  static forRoot(signer: CheckpointSigner): DynamicModule {
    return { module: IntegrityModule, providers: [{ provide: CHECKPOINT_SIGNER, useValue: signer }], exports: [CHECKPOINT_SIGNER] };
  }
}
