import { Catch, type ExceptionFilter } from '@nestjs/common';

/**
 * Hands every resolver error, untouched, to Apollo's formatError (toPublicError), the one place
 * errors get their code and are logged when unexpected. Without it Nest logs each one first,
 * expected BAD_USER_INPUTs included, so every failure would be logged twice.
 */
@Catch()
export class RethrowToFormatErrorFilter implements ExceptionFilter {
  catch(exception: unknown): never {
    throw exception;
  }
}
